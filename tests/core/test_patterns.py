"""AWS's event-pattern language (services/core/patterns.py), used by EventBridge rules
and SNS filter policies: the documented examples match and miss as on AWS, and bad
patterns are refused with the engine's words and location."""

from __future__ import annotations

import json

import pytest

from services.core.patterns import (
    PatternError,
    filter_policy_matches,
    matches,
    validate_event_pattern,
    validate_filter_policy,
    wildcard_match,
)

EC2_EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.123",
        "location": "eu-west",
        "filename": "image.PNG",
        "nullable": None,
        "flag": True,
        "tags": ["blue", "green"],
        "volumes": [{"id": "vol-1", "type": "gp3"}, {"id": "vol-2", "type": "io2"}],
    },
}


def match(pattern: dict, event: dict = EC2_EVENT) -> bool:
    return matches(validate_event_pattern(json.dumps(pattern)), event)


def refused(pattern: str) -> str:
    with pytest.raises(PatternError) as caught:
        validate_event_pattern(pattern)
    return caught.value.message


# --- matching ---------------------------------------------------------------------------


def test_exact_values_and_arrays_mean_or() -> None:
    assert match({"source": ["aws.ec2"]})
    assert match({"source": ["aws.s3", "aws.ec2"]})
    assert not match({"source": ["aws.s3"]})
    assert match({"source": ["aws.ec2"], "detail": {"state": ["terminated"]}})
    assert not match({"source": ["aws.ec2"], "detail": {"state": ["running"]}})
    assert not match({"detail": {"missing": ["x"]}})


def test_values_match_only_their_own_type() -> None:
    assert match({"detail": {"c-count": [5]}})
    assert match({"detail": {"c-count": [5.0]}})
    assert not match({"detail": {"c-count": ["5"]}})
    assert match({"detail": {"nullable": [None]}})
    assert not match({"detail": {"nullable": ["null"]}})
    assert match({"detail": {"flag": [True]}})
    assert not match({"detail": {"flag": [1]}})
    assert not match({"detail": {"c-count": [True]}})


def test_an_array_in_the_event_matches_when_any_element_does() -> None:
    assert match({"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]})
    assert match({"detail": {"tags": ["green"]}})
    assert not match({"detail": {"tags": ["red"]}})


def test_objects_in_arrays_match_element_by_element() -> None:
    assert match({"detail": {"volumes": {"id": ["vol-2"], "type": ["io2"]}}})
    # the two fields come from different elements: no match
    assert not match({"detail": {"volumes": {"id": ["vol-1"], "type": ["io2"]}}})


def test_prefix_suffix_and_ignore_case() -> None:
    assert match({"time": [{"prefix": "2017-12-22"}]})
    assert not match({"time": [{"prefix": "2018"}]})
    assert match({"detail": {"filename": [{"suffix": ".PNG"}]}})
    assert not match({"detail": {"filename": [{"suffix": ".png"}]}})
    assert match({"detail": {"filename": [{"suffix": {"equals-ignore-case": ".png"}}]}})
    assert match({"detail": {"filename": [{"prefix": {"equals-ignore-case": "IMAGE"}}]}})
    assert match({"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}})
    assert not match({"detail": {"c-count": [{"prefix": "5"}]}})


def test_anything_but() -> None:
    assert match({"detail": {"state": [{"anything-but": "running"}]}})
    assert not match({"detail": {"state": [{"anything-but": ["running", "terminated"]}]}})
    assert match({"detail": {"c-count": [{"anything-but": [1, 2, 3]}]}})
    assert not match({"detail": {"c-count": [{"anything-but": 5}]}})
    assert not match({"detail": {"state": [{"anything-but": {"prefix": "term"}}]}})
    assert match({"detail": {"state": [{"anything-but": {"prefix": ["run", "stop"]}}]}})
    assert not match({"detail": {"filename": [{"anything-but": {"suffix": ".PNG"}}]}})
    assert not match(
        {"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED"]}}]}}
    )
    assert not match({"detail": {"filename": [{"anything-but": {"wildcard": "*.PNG"}}]}})
    # anything-but needs the field
    assert not match({"detail": {"absent": [{"anything-but": "x"}]}})


def test_numeric_ranges() -> None:
    assert match({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}})
    assert not match({"detail": {"c-count": [{"numeric": [">", 5]}]}})
    assert match({"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}})
    assert match({"detail": {"d-count": [{"numeric": ["<", 10]}]}})
    assert not match({"detail": {"state": [{"numeric": [">", 0]}]}})


def test_exists() -> None:
    assert match({"detail": {"state": [{"exists": True}]}})
    assert not match({"detail": {"absent": [{"exists": True}]}})
    assert match({"detail": {"absent": [{"exists": False}]}})
    assert not match({"detail": {"state": [{"exists": False}]}})
    # exists looks at leaves only: an object is no leaf
    assert not match({"detail": [{"exists": True}]})
    assert match({"nothing": {"below": [{"exists": False}]}})


def test_wildcard_and_cidr() -> None:
    assert match({"detail": {"filename": [{"wildcard": "image.*"}]}})
    assert match({"detail": {"filename": [{"wildcard": "*age*PNG"}]}})
    assert not match({"detail": {"filename": [{"wildcard": "*.png"}]}})
    assert match({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}})
    assert not match({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}})
    assert wildcard_match(r"a\*b*", "a*bc")
    assert not wildcard_match(r"a\*b*", "axbc")
    assert wildcard_match("*", "")
    assert not wildcard_match("ab*ba", "aba")


def test_wildcards_do_not_blow_up() -> None:
    # a pattern that makes backtracking regular expressions exponential
    pattern = "*a" * 50 + "*b"
    assert not wildcard_match(pattern, "a" * 5000)


def test_or() -> None:
    pattern = {
        "source": ["aws.ec2"],
        "$or": [
            {"detail": {"c-count": [{"numeric": [">", 10]}]}},
            {"detail": {"location": ["eu-west"]}},
        ],
    }
    assert match(pattern)
    pattern["$or"][1] = {"detail": {"location": ["us-east"]}}
    assert not match(pattern)
    assert match({"detail": {"$or": [{"state": ["x"]}, {"d-count": [3]}]}})


# --- EventBridge's refusals ----------------------------------------------------------


def test_empty_object_refused_with_awss_location() -> None:
    # the example AWS users quote: column 40 of the text
    message = refused('{"source": ["aws.health"], "detail": {}}')
    assert message == (
        "Event pattern is not valid. Reason: Empty objects are not allowed\n"
        ' at [Source: (String)"{"source": ["aws.health"], "detail": {}}"; line: 1, column: 40]'
    )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ('{"detail": {"pipeline": {"slug": "some-pipeline"}}}', '"slug" must be an object or an array'),  # noqa: E501
        ("[1]", "Filter is not an object"),
        ('{"a": []}', "Empty arrays are not allowed"),
        ('{"a": [[1]]}', "Match value must be String, number, true, false, or null"),
        ('{"a": [{"bogus": 1}]}', "Unrecognized match type bogus"),
        ('{"a": [{"prefix": 1}]}', "prefix match pattern must be a string"),
        ('{"a": [{"prefix": "x", "suffix": "y"}]}', "Only one key allowed in match expression"),
        ('{"a": [{"prefix": {"x": "y"}}]}', "Unsupported prefix pattern: x"),
        ('{"a": [{"numeric": 5}]}', "Value of numeric must be an array."),
        ('{"a": [{"numeric": [">", "x"]}]}', "Value of > must be numeric"),
        ('{"a": [{"numeric": ["!", 1]}]}', "Unrecognized numeric range operator: !"),
        ('{"a": [{"numeric": [">", 5, "<", 1]}]}', "Bottom must be less than top"),
        ('{"a": [{"numeric": ["<", 5, ">", 1]}]}', "Too many elements in numeric expression"),
        ('{"a": [{"exists": "yes"}]}', "exists match pattern must be either true or false."),
        ('{"a": [{"anything-but": null}]}', "Value of anything-but must be an array or single string/number value."),  # noqa: E501
        ('{"a": [{"anything-but": ["x", 1]}]}', "Inside anything but list, either all values are number or string, mixed type is not supported"),  # noqa: E501
        ('{"a": [{"anything-but": {"exists": true}}]}', "Unsupported anything-but pattern: exists"),
        ('{"a": [{"anything-but": {"prefix": ""}}]}', "Null prefix/suffix not allowed"),
        ('{"a": [{"wildcard": "a**"}]}', "Consecutive wildcard characters at pos 2"),
        ('{"a": [{"cidr": "10.0.0.1"}]}', "Malformed CIDR, one '/' required"),
        ('{"$or": [{"a": [1]}]}', "There must have at least 2 Objects in $or relationship."),
        ('{"$or": {"a": [1]}}', "It must be an Array followed with $or."),
        ('{"$or": [{"prefix": [1]}, {"b": [2]}]}', "prefix is Ruler reserved fieldName which cannot be used inside $or."),  # noqa: E501
        ('{"a": [1}', "Unexpected character ('}' (code 125)): was expecting comma to separate Array entries"),  # noqa: E501
        ("{a: [1]}", "Unexpected character ('a' (code 97)): was expecting double-quote to start field name"),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_patterns_are_refused_in_the_engines_words(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError) as caught:
        validate_event_pattern(pattern)
    assert caught.value.reason == reason
    assert caught.value.message.startswith(f"Event pattern is not valid. Reason: {reason}")


def test_a_semantic_error_comes_before_a_later_syntax_error() -> None:
    # the engine reads as it goes: "a" is refused before the broken tail is seen
    assert 'Reason: "a" must be an object or an array' in refused('{"a": 1, !!!')


def test_valid_patterns_come_back_as_dicts() -> None:
    pattern = validate_event_pattern('{"source": ["aws.ec2"]}')
    assert pattern == {"source": ["aws.ec2"]}
    assert validate_event_pattern({"source": ["aws.ec2"]}) == pattern


# --- SNS filter policies -----------------------------------------------------------------


def attrs(**values: tuple[str, str]) -> dict:
    return {name: {"DataType": t, "StringValue": v} for name, (t, v) in values.items()}


def test_filter_policy_on_message_attributes() -> None:
    policy = validate_filter_policy(
        '{"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}]}'
    )
    message = attrs(store=("String", "example_corp"), price_usd=("Number", "120"))
    assert filter_policy_matches(policy, message)
    assert not filter_policy_matches(policy, attrs(store=("String", "example_corp")))
    cheap = attrs(store=("String", "example_corp"), price_usd=("Number", "99.5"))
    assert not filter_policy_matches(policy, cheap)


def test_attribute_types_are_kept() -> None:
    # a numeric condition does not match a String attribute, a string not a Number
    assert not filter_policy_matches({"n": [{"numeric": [">", 1]}]}, attrs(n=("String", "5")))
    assert filter_policy_matches({"n": [{"numeric": [">", 1]}]}, attrs(n=("Number", "5")))
    assert not filter_policy_matches({"n": ["5"]}, attrs(n=("Number", "5")))
    assert filter_policy_matches({"n": [5]}, attrs(n=("Number", "5.0")))
    # String.Array: any element
    tags = attrs(tags=("String.Array", '["red", "green", 3]'))
    assert filter_policy_matches({"tags": ["green"]}, tags)
    assert filter_policy_matches({"tags": [{"numeric": ["=", 3]}]}, tags)
    assert not filter_policy_matches({"tags": ["blue"]}, tags)
    # Binary attributes are not seen
    binary = {"b": {"DataType": "Binary", "BinaryValue": b"x"}}
    assert filter_policy_matches({"b": [{"exists": False}]}, binary)
    # the envelope's shape works too
    assert filter_policy_matches({"s": ["x"]}, {"s": {"Type": "String", "Value": "x"}})


def test_filter_policy_on_the_message_body() -> None:
    policy = validate_filter_policy(
        {"order": {"status": ["paid"], "total": [{"numeric": [">", 10]}]}}, "MessageBody"
    )
    body = json.dumps({"order": {"status": "paid", "total": 25}})
    assert filter_policy_matches(policy, body, "MessageBody")
    assert not filter_policy_matches(policy, "not json", "MessageBody")
    assert not filter_policy_matches(policy, {"order": {"status": "new"}}, "MessageBody")


def sns_refused(policy: object, scope: str = "MessageAttributes", **kwargs: bool) -> str:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    with pytest.raises(PatternError) as caught:
        validate_filter_policy(text, scope, **kwargs)
    return caught.value.message


def test_filter_policy_limits() -> None:
    six = {f"k{i}": ["v"] for i in range(6)}
    assert (
        sns_refused(six)
        == "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
    )
    assert sns_refused(six, subscribe=True) == (
        "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"  # noqa: E501
    )
    complex_policy = {"a": list(range(10)), "b": list(range(16))}
    assert (
        sns_refused(complex_policy)
        == "Invalid parameter: FilterPolicy: Filter policy is too complex"
    )
    validate_filter_policy({"a": list(range(10)), "b": list(range(15))})  # exactly 150
    # nesting counts: 4 values three levels deep and 3 values two levels deep = 72
    validate_filter_policy(
        {"a": {"b": {"c": ["1", "2", "3", "4"]}}, "d": {"e": ["1", "2", "3"]}}, "MessageBody"
    )
    assert sns_refused({"a": {"b": ["x"]}}) == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"  # noqa: E501
    )
    assert sns_refused({"a": []}).startswith(
        "Invalid parameter: FilterPolicy: Empty arrays are not allowed\n at [Source: (String)"
    )
    assert sns_refused('{"a": ').startswith(
        "Invalid parameter: FilterPolicy: Unexpected end-of-input"
    )


def test_numbers_beyond_the_engines_range_are_refused() -> None:
    assert "Reason: Value must be between -5.0E9 and 5.0E9, inclusive" in refused(
        '{"a": [{"numeric": [">", 6e9]}]}'
    )
    # an exact number is matched as text too, so an account id is fine
    assert match({"account": [{"anything-but": "1"}], "detail": {"c-count": [5]}})
    validate_event_pattern('{"account": [111122223333]}')


def test_or_in_a_filter_policy() -> None:
    policy = validate_filter_policy(
        {"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPU"]}, {"namespace": ["AWS/EC2"]}]}
    )
    assert filter_policy_matches(
        policy, attrs(source=("String", "aws.cloudwatch"), namespace=("String", "AWS/EC2"))
    )
    assert not filter_policy_matches(policy, attrs(source=("String", "aws.cloudwatch")))


def test_sns_reads_exists_and_string_arrays_its_own_way() -> None:
    # exists: true wants a non-empty value in SNS; EventBridge counts "" as a value
    assert not filter_policy_matches({"s": [{"exists": True}]}, attrs(s=("String", "")))
    assert match({"detail": {"empty": [{"exists": True}]}}, {"detail": {"empty": ""}})
    # exists: false needs some attribute to be there at all
    assert not filter_policy_matches({"s": [{"exists": False}]}, {})
    assert filter_policy_matches({"s": [{"exists": False}]}, attrs(t=("String", "x")))
    # anything-but on a String.Array: none of its elements may be listed
    policy = {"interests": [{"anything-but": ["rugby", "tennis"]}]}
    assert filter_policy_matches(policy, attrs(interests=("String.Array", '["soccer", "golf"]')))
    assert not filter_policy_matches(
        policy, attrs(interests=("String.Array", '["rugby", "baseball"]'))
    )
    assert filter_policy_matches(policy, attrs(interests=("String", "baseball")))
