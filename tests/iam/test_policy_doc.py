"""Policy documents: what IAM refuses as MalformedPolicyDocument, and the line the
console's JSON editor points at (IAM-04)."""

from __future__ import annotations

import pytest

from services.iam.policy_doc import PolicyError, parse_policy, validate

GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadVolumes",
      "Effect": "Allow",
      "Action": ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", 5, true]}}
    }
  ]
}"""


def test_it_reads_a_valid_policy() -> None:
    doc = parse_policy(GOOD)
    assert doc.version == "2012-10-17"
    (statement,) = doc.statements
    assert statement.sid == "ReadVolumes"
    assert statement.actions == ("ec2:DescribeVolumes", "ec2:DescribeSnapshots")
    assert statement.resources == ("*",)
    assert statement.conditions[0].values == ("us-east-1", "5", "true")
    assert statement.line == 4


def test_a_single_statement_object_and_strings_are_accepted() -> None:
    doc = parse_policy('{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}')
    assert doc.version == "2008-10-17"
    assert doc.statements[0].actions == ("*",)


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


BAD = [
    # (document, kind, AWS message, line)
    (GOOD[:-3], "identity", "Syntax errors in policy.", 11),
    (replace('"Effect": "Allow"', '"Effect": "allow"'), "identity", "Syntax errors in policy.", 6),
    (replace('"Effect": "Allow",', ""), "identity", "Syntax errors in policy.", 4),
    (replace('"Version": "2012-10-17"', '"Version": "2012-10-18"'), "identity",
     "Syntax errors in policy.", 2),
    (replace('"Action": ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],', ""), "identity",
     "Policy statement must contain actions.", 4),
    (replace('"Resource": "*",', ""), "identity", "Policy statement must contain resources.", 4),
    (replace('"Resource": "*"', '"Resource": "vol-0123"'), "identity",
     'Resource vol-0123 must be in ARN format or "*".', 8),
    (replace('"Resource": "*"', '"Resource": "arn:aws:iam:us-east-1:123456789012:user/x"'),
     "identity",
     "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information.",
     8),
    (replace('"ec2:DescribeSnapshots"', '"DescribeSnapshots"'), "identity",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", 7),
    (replace('"ec2:DescribeSnapshots"', '"ec2:ec2:DescribeSnapshots"'), "identity",
     "Actions/Condition can contain only one colon.", 7),
    (replace('"Sid": "ReadVolumes",', '"Sid": "Read volumes",'), "identity",
     "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
     "regular expression [0-9A-Za-z]*", 5),
    (replace('"Sid": "ReadVolumes",', '"Sid": "R", "Principal": "*",'), "identity",
     "Policy document should not specify a principal.", 5),
    (GOOD, "resource", "Missing required field Principal", 4),
    (replace('"StringEquals"', '"StringEqual"'), "identity", "Syntax errors in policy.", 9),
    (replace('"Sid": "ReadVolumes",', '"Sid": "R", "Actions": "*",'), "identity",
     "Syntax errors in policy.", 5),
    ('{"Version": "2012-10-17", "Statement": []}', "identity", "Syntax errors in policy.", 1),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",'
     ' "Principal": {"AWS": "alice"}}}', "trust",
     'Invalid principal in policy: "AWS":"alice"', 1),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",'
     ' "Principal": {"Service": "ec2.amazonaws.com"}}}', "trust",
     "AssumeRole policy may only specify STS AssumeRole actions.", 1),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",'
     ' "Resource": "*", "Principal": {"Service": "ec2.amazonaws.com"}}}', "trust",
     "Has prohibited field Resource", 1),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "message", "line"), BAD)
def test_malformed_documents_are_refused_with_the_line(text, kind, message, line) -> None:
    """IAM-04: malformed documents are refused with MalformedPolicyDocument."""
    with pytest.raises(PolicyError) as err:
        parse_policy(text, kind)
    assert err.value.code == "MalformedPolicyDocument"
    assert err.value.status == 400
    assert err.value.message == message
    assert err.value.line == line
    (finding,) = validate(text, kind)
    assert finding["line"] == line


def test_duplicate_sids_point_at_the_second() -> None:
    text = """{"Version": "2012-10-17", "Statement": [
  {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
  {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
]}"""
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert err.value.message == "Statement IDs (SID) in a single policy must be unique."
    assert err.value.line == 3


def test_editor_finding_names_the_line_and_the_problem() -> None:
    (finding,) = validate(replace('"Effect": "Allow"', '"Effect": "Permit"'))
    assert finding == {
        "line": 6,
        "column": 17,
        "message": 'Line 6: Effect must be "Allow" or "Deny", not \'Permit\'.',
    }
    assert validate(GOOD) == []


@pytest.mark.parametrize("kind", ["identity", "resource", "trust"])
def test_a_document_nested_2000_deep_is_malformed_not_a_crash(kind) -> None:
    """Issue 12: a policy nested 2,000 deep reached Python's recursion limit (a 500);
    IAM and S3 (which shares this parser for bucket policies) refuse it as malformed."""
    deep = '{"Version": "2012-10-17", "Statement": ' + "[" * 2000 + "]" * 2000 + "}"
    with pytest.raises(PolicyError) as info:
        parse_policy(deep, kind)  # type: ignore[arg-type]
    assert info.value.code == "MalformedPolicyDocument"
    assert info.value.message == "Syntax errors in policy."
    assert validate(deep, kind)[0]["line"] == 1  # type: ignore[arg-type]


def test_a_number_too_long_to_read_is_malformed() -> None:
    text = '{"Version": "2012-10-17", "Statement": [], "Id": ' + "9" * 5000 + "}"
    with pytest.raises(PolicyError) as info:
        parse_policy(text)
    assert info.value.message == "Syntax errors in policy."
