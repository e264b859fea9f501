"""The text writers of the query/EC2 answers (xmlshape.emitter) are made on the first
call of a shape, which under a class is many web threads at once: each must write the
same answer as one thread alone (no InternalFailure, no element written twice)."""

from __future__ import annotations

import datetime as dt
import sys
import threading

from botocore.model import ServiceModel

from services.core import shapes
from services.core.gateway.protocols import xmlshape

_VALUE = {
    "Reservations": [
        {
            "ReservationId": "r-1",
            "Instances": [
                {
                    "InstanceId": "i-1",
                    "BlockDeviceMappings": [
                        {
                            "DeviceName": "/dev/xvda",
                            "Ebs": {
                                "AttachTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                "VolumeId": "vol-1",
                                "Status": "attached",
                            },
                        }
                    ],
                }
            ],
        }
    ]
}


def _fresh_shape():
    """DescribeInstances' output shape from a model of its own: no writer made yet."""
    model = ServiceModel(shapes._loader.load_service_model("ec2", "service-2"), "ec2")
    return model.operation_model("DescribeInstances").output_shape


def test_writers_made_by_many_threads_at_once_write_each_element_once():
    expected: list[str] = []
    xmlshape.emitter(_fresh_shape())(expected, _VALUE, "x")
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(5):
            shape = _fresh_shape()
            barrier = threading.Barrier(8)
            outs: list[str] = []
            failures: list[BaseException] = []

            def write(shape=shape, barrier=barrier, outs=outs, failures=failures) -> None:
                barrier.wait()
                out: list[str] = []
                try:
                    xmlshape.emitter(shape)(out, _VALUE, "x")
                except Exception as error:
                    failures.append(error)
                outs.append("".join(out))

            threads = [threading.Thread(target=write) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not failures
            assert set(outs) == {"".join(expected)}
    finally:
        sys.setswitchinterval(old)
