import os

# Bench accounts are made by the thousand over the API and never read mail: the
# servers a benchmark starts (with os.environ) do not hold them to verification.
os.environ.setdefault("LIVESTALL_REQUIRE_EMAIL_VERIFICATION", "0")
