"""Reference pages: Instance Types (DescribeInstanceTypes) and the AMI Catalog
(DescribeImages of the quick-start images), read through the operations like the CLI."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from services.core.views.base import breadcrumbs, call, console_view, render_console
from services.ec2 import ami_catalog, instance_types


@console_view
def instance_types_page(request: HttpRequest, region: str) -> HttpResponse:
    text = request.GET.get("filter", "").strip()
    params: dict = {}
    if text:
        params["Filters"] = [{"Name": "instance-type", "Values": [f"*{text}*"]}]
    result = call(request, region, "ec2", "DescribeInstanceTypes", params) or {}
    rows = []
    for info in result.get("InstanceTypes", []):
        itype = instance_types.find(info["InstanceType"])
        rows.append(
            {
                "name": info["InstanceType"],
                "vcpus": info["VCpuInfo"]["DefaultVCpus"],
                "memory": itype.memory_label if itype else "",
                "arch": ", ".join(info["ProcessorInfo"]["SupportedArchitectures"]),
                "network": info["NetworkInfo"]["NetworkPerformance"],
                "storage": (
                    f"{info['InstanceStorageInfo']['TotalSizeInGB']} GB"
                    if info.get("InstanceStorageInfo")
                    else "EBS only"
                ),
                "gpus": sum(g["Count"] for g in info.get("GpuInfo", {}).get("Gpus", [])),
                "free": info["FreeTierEligible"],
                "current": info["CurrentGeneration"],
            }
        )
    context = {
        "rows": rows,
        "filter": text,
        "breadcrumbs": breadcrumbs(request, "Instance types"),
    }
    return render_console(request, "ec2/instance_types.html", context)


@console_view
def ami_catalog_page(request: HttpRequest, region: str) -> HttpResponse:
    launch = reverse("ec2:launch", kwargs={"region": region})
    groups = []
    for os_name in ami_catalog.QUICK_START:
        images = [
            {
                "image": image,
                "image_id": image.image_id(region),
                "launch": f"{launch}?ami={image.image_id(region)}",
            }
            for image in ami_catalog.images_for(os_name)
        ]
        groups.append((os_name, images))
    context = {"groups": groups, "breadcrumbs": breadcrumbs(request, "AMI Catalog")}
    return render_console(request, "ec2/ami_catalog.html", context)
