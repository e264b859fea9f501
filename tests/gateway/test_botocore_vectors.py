"""botocore's own protocol test vectors, run in reverse (see reverse.py)."""

from __future__ import annotations

import pytest

from tests.gateway import reverse, vectors


def _ignored() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for protocol, kinds in vectors.ignore_list().get("protocols", {}).items():
        found[protocol] = set(kinds.get("output", {}).get("cases", []))
    return found


def _params(kind: str) -> list:
    try:
        cases = vectors.load_cases(kind)
    except vectors.Unavailable as exc:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=str(exc)), id="unavailable")]
    return [
        pytest.param(suite, case, id=f"{label}:{case.get('id') or case.get('description')}")
        for label, suite, case in cases
    ]


@pytest.mark.parametrize(("suite", "case"), _params("input"))
def test_input_case_parses_back_to_its_params(suite, case):
    try:
        reverse.run_input(suite, case)
    except reverse.NotApplicable as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize(("suite", "case"), _params("output"))
def test_output_case_serializes_to_what_botocore_parses_back(suite, case):
    try:
        protocol = suite["metadata"]["protocol"]
        ignored = _ignored().get(protocol, set()) | _ignored().get(
            "json_1_0" if suite["metadata"].get("jsonVersion") == "1.0" else protocol, set()
        )
        reverse.run_output(suite, case, ignored)
    except reverse.NotApplicable as exc:
        pytest.skip(str(exc))
