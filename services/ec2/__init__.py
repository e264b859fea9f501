"""EC2: instances, EBS volumes, AMIs, key pairs and Elastic IPs."""
