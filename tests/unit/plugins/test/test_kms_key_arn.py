"""kms_key_arn: the form every role's *_kms_key_arn takes; malformed ARNs are refused before any AWS call."""

from __future__ import annotations

import pytest
from ansible_collections.kstore.platform.plugins.test.kms_key_arn import kms_key_arn


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:ap-southeast-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    ],
)
def test_key_arns(arn: str) -> None:
    assert kms_key_arn(arn) is True


@pytest.mark.parametrize(
    "value",
    [
        "alias/kstore-prod",
        "arn:aws:kms:eu-west-1:123456789012:alias/kstore-prod",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:eu-west-1:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab",  # short account
        "arn:aws:kms:eu-west-1:123456789012:key/not-a-key-id",
        "arn:aws:kms:europe:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",  # not a region
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab ",
        "",
        None,
    ],
)
def test_not_key_arns(value: object) -> None:
    assert kms_key_arn(value) is False
