"""The JSON API helper (`api`: users, products, bank details with bearer tokens) and
test images (`image_bytes`, `png`, `upload`)."""

import io

import pytest
from PIL import Image as PILImage

from tests.plugins.app import PASSWORD


class Api:
    """JSON API calls with an optional bearer token."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, token=None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, headers=headers, **kw)

    def user(self, username, role="shopper", password=PASSWORD):
        resp = self.call(
            "POST",
            "/api/v1/users",
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": password,
                "role": role,
            },
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["token"]

    def product(self, token, **fields):
        body = {
            "title": "Hand Blender 手持料理棒",
            "price_cents": 12900,
            "category": "kitchen",
            "stock": 10,
            **fields,
        }
        resp = self.call("POST", "/api/v1/products", token=token, json=body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["product"]

    def bank_details(self, token, **fields):
        """Give a merchant bank details, so buyers may pay them by transfer."""
        body = {
            "bank_name": "招商银行 杭州分行",
            "bank_account_name": "西湖茶社有限公司",
            "bank_account_number": "6225 8801 2345 6789",
            **fields,
        }
        resp = self.call("PUT", "/api/v1/merchant/settings", token=token, json=body)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()["settings"]


@pytest.fixture
def api(client):
    return Api(client)


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 60), **save):
    buf = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and save.pop("alpha", False) else "RGB"
    PILImage.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


def upload(api, token):
    """A JPEG uploaded through POST /api/v1/images: its image id."""
    resp = api.call(
        "POST",
        "/api/v1/images",
        token=token,
        data={"file": (io.BytesIO(image_bytes("JPEG", (80, 60))), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["image"]["id"]


@pytest.fixture
def png():
    return image_bytes()
