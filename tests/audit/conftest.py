import pytest

from rankfile.audit.verify import verify_audit_log


@pytest.fixture(params=["raw query", "values_list"])
def verify(request):
    """Both ways of reading the log must reach the same verdict."""
    fast = request.param == "raw query"
    return lambda *anchors: verify_audit_log(anchors, fast=fast)
