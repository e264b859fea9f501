"""The AWS door: the AWS CLI and SDKs speak their own wire protocols to Stratolab."""
