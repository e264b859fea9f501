"""The AWS door's service catalog (signing name / target prefix -> botocore services) is
built from the head of each model file (issue 14: parsing every whole model took most of
a fresh `stratolab up`); it must say what the whole models say."""

from __future__ import annotations

from botocore.loaders import Loader

from services.core.gateway import catalog


def test_the_catalog_read_from_the_heads_of_the_models_matches_the_whole_models() -> None:
    loader = Loader()
    signing: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    for name in loader.list_available_services("service-2"):
        meta = loader.load_service_model(name, "service-2").get("metadata", {})
        signed = meta.get("signingName") or meta.get("endpointPrefix") or name
        signing.setdefault(signed, []).append(name)
        if meta.get("targetPrefix"):
            targets.setdefault(meta["targetPrefix"], []).append(name)
    built = catalog._build()
    assert built == {"signing": signing, "targets": targets}
    # The services that share a signing name, and the JSON door's target prefixes.
    assert built["signing"]["elasticloadbalancing"] == ["elb", "elbv2"]
    assert built["targets"]["AmazonSQS"] == ["sqs"]
