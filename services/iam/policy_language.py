"""IAM's interface for services with resource-based policies (S3's bucket policies;
later SQS, SNS, Lambda, API Gateway): the policy language and its evaluator.

Another service uses IAM only through this module (tests/core/test_layers.py): it parses
and validates a policy document, evaluates a request against policies with IAM's rules
(explicit deny, then allow, with conditions and variables), matches ARN-style globs, and
registers where its resources' policies come from, so IAM's authorizer (the evaluator
behind `services.core.authz`) sees them for IAM principals. Who owns an access key, who
may sign in, and the caller's own policies are not here: core asks those through
`services.core.hooks` and `authz.evaluate`.
"""

from __future__ import annotations

from services.iam.authorizer import ResourcePolicySource, register_resource_policies
from services.iam.conditions import glob_match
from services.iam.evaluator import NamedPolicy, Request, Result, evaluate, now_context
from services.iam.policy_doc import PolicyDocument, PolicyError, parse_policy

__all__ = [
    "NamedPolicy",
    "PolicyDocument",
    "PolicyError",
    "Request",
    "ResourcePolicySource",
    "Result",
    "evaluate",
    "glob_match",
    "now_context",
    "parse_policy",
    "register_resource_policies",
]
