"""A real S3-compatible server on loopback for the object storage tests: moto in
server mode, started once per test run in a process of its own."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3

PORTS = range(18900, 19000)
ACCESS_KEY, SECRET_KEY, REGION = "newsroom-test", "newsroom-test-secret", "us-east-1"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the S3 server")


class S3Server:
    def __init__(self):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        server = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the S3 server (moto_server) did not start")
            time.sleep(0.1)

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def storage_url(self, bucket: str) -> str:
        return (
            f"s3://{ACCESS_KEY}:{SECRET_KEY}@{bucket}?endpoint_url={self.endpoint}"
            f"&region_name={REGION}"
        )

    def create_public_bucket(self, bucket: str) -> None:
        """A bucket whose renditions anyone may read (originals stay private)."""
        client = self.client()
        client.create_bucket(Bucket=bucket)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/renditions/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
