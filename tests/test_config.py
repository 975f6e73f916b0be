"""The server's own settings, as a shared server needs them (.streamlit/config.toml)."""

from __future__ import annotations

import tomllib

from core.data import image_folders, uploads
from tests.conftest import REPOSITORY

CONFIG = tomllib.loads((REPOSITORY / ".streamlit" / "config.toml").read_text())


def test_visitors_see_no_error_details_and_only_the_viewer_menu():
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert CONFIG["client"]["toolbarMode"] == "viewer"


def test_xsrf_protection_is_on_explicitly_and_usage_statistics_off():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_the_upload_cap_is_the_biggest_input_the_app_accepts():
    cap_bytes = CONFIG["server"]["maxUploadSize"] * 2**20
    assert cap_bytes == image_folders.ZipLimits().max_zip_bytes
    assert cap_bytes >= uploads.MAX_UPLOAD_BYTES  # photos are smaller still


def test_the_full_collection_after_every_run_stays_off():
    assert CONFIG["runner"]["postScriptGC"] is False
