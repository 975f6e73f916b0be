"""Sign-in end to end (Step 15): a shared server whose learners sign in with `st.login()` at a real
OpenID Connect provider, `oidc-provider-mock` on a thread of this process, in headless Chromium.

The server listens on every interface (`0.0.0.0`), so the app treats it as shared and offers the
sign-in; the browser still visits it on 127.0.0.1, the origin of the `redirect_uri` that Streamlit
checks each signed-in websocket against, and a loopback address where plain http is allowed (a
secure context for Chromium, a loopback redirect for Authlib). The sign-in settings go to a
`secrets.toml` in the test's own folder, named with `--secrets.files`, so the repository's
`.streamlit/` is never written to. Screenshots go to test-output/.
"""

from __future__ import annotations

import contextlib
import csv
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench import browser as browser_helpers
from core.base import progress

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

LEARNERS = {  # the provider's accounts: sub -> the claims it signs
    "ada": {"name": "Ada Lovelace", "email": "ada@school.example"},
    "grace": {"name": "Grace Hopper", "email": "grace@school.example"},
    "teacher": {"name": "Mr Chips", "email": "chips@school.example"},
}
WEEK_1 = "Graded exercise · week 1"
CLIENT_ID = "tf-first-steps"  # the app as the provider knows it (a named provider's adds its name)


@pytest.fixture(scope="module")
def browser():
    if not Path(browser_helpers.CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {browser_helpers.CHROMIUM}; install Debian's chromium (see .ci/run)")
    with browser_helpers.chromium() as chromium:
        yield chromium


@contextlib.contextmanager
def identity_provider() -> Iterator[str]:
    """The OpenID provider on a free loopback port, its accounts ready to pick; yields its issuer."""
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in LEARNERS.items()]
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@contextlib.contextmanager
def shared_server(folder: Path, issuer: str, providers: tuple[str, ...] = ()) -> Iterator[tuple[str, Path]]:
    """`streamlit run` for a class: every interface, sign-in at `issuer` (the unnamed provider of
    `[auth]`, or one `[auth.<name>]` per name in `providers`), its progress in a SQLite file in
    `folder` and the provider's teacher in `TEACHERS`. Yields the address to browse and the file."""
    port = browser_helpers.free_port()

    def provider(client_id: str) -> str:
        return "\n".join(
            [
                f'client_id = "{client_id}"',
                f'client_secret = "{secrets.token_urlsafe(16)}"',
                f'server_metadata_url = "{issuer}/.well-known/openid-configuration"',
            ]
        )

    shared = "\n".join(
        [
            "[auth]",
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',
            f'cookie_secret = "{secrets.token_urlsafe(32)}"',
        ]
    )
    named = [f"[auth.{name}]\n{provider(CLIENT_ID + '-' + name)}" for name in providers]
    sections = [shared, *named] if providers else [f"{shared}\n{provider(CLIENT_ID)}"]
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text("\n\n".join(sections) + "\n")
    environment = {
        "XDG_DATA_HOME": str(folder / "data"),
        "PROGRESS_DATABASE_URL": "",  # not the developer's own database: the default file, under XDG_DATA_HOME
        "TEACHERS": f"oidc:{issuer}|teacher",  # a teacher by account id, as ui/progress.learner() spells it
    }
    options = ["--secrets.files", str(secrets_file)]
    repository_settings = sorted(path.name for path in (browser_helpers.REPOSITORY / ".streamlit").iterdir())
    with browser_helpers.serve(environment=environment, port=port, address="0.0.0.0", options=options) as (url, _):
        yield url, folder / "data" / progress.APP_FOLDER / progress.DATABASE_FILE
    assert sorted(path.name for path in (browser_helpers.REPOSITORY / ".streamlit").iterdir()) == repository_settings


def open_page(browser_context, url: str):
    page = browser_context.new_page()
    page.goto(url, timeout=120_000)
    page.get_by_text("TensorFlow first steps").first.wait_for(timeout=120_000)
    settle(page)
    return page


def settle(page, timeout_ms: int = 120_000) -> None:
    """Until the script run that a click or a load started is over: the app says "not running"
    also in the moment before a run begins, hence the short wait first."""
    page.wait_for_timeout(500)
    browser_helpers.wait_until_script_finished(page, timeout_ms=timeout_ms)


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def sign_in(page, account: str, button: str = "Sign in to keep your work") -> None:
    """The sidebar's button, the provider's page, the account's button there, and back."""
    sidebar(page).get_by_role("button", name=button).click()
    page.get_by_role("heading", name="Authorize Client").wait_for(timeout=60_000)
    page.get_by_role("button", name=account, exact=True).click()
    sidebar(page).get_by_text(f"Signed in as {LEARNERS[account]['name']}").wait_for(timeout=120_000)
    settle(page)


def sign_out(page) -> None:
    """Streamlit forgets the account and sends the browser to the provider's end of session, whose
    button returns it to the app as a guest."""
    sidebar(page).get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click(timeout=60_000)
    sidebar(page).get_by_text("You are a guest").wait_for(timeout=120_000)
    settle(page)


def grade_week_1(page, *, trap: bool) -> None:
    """Lesson 1's graded exercise at its known-good settings, or with the prices in dollars (the trap)."""
    page.locator("[data-testid='stSidebarNav']").get_by_text("1 · Hello, World").click()
    page.get_by_text(WEEK_1).wait_for(timeout=180_000)
    settle(page, timeout_ms=180_000)
    page.get_by_text(WEEK_1).first.click()
    settle(page)
    panel = page.locator("[data-testid='stExpander']", has_text=WEEK_1).first
    if trap:
        panel.get_by_text("Prices in hundreds of thousands").click()
    panel.get_by_role("button", name="Train and grade").click()
    panel.get_by_text("in what units are the prices" if trap else "Passed:").first.wait_for(timeout=120_000)
    settle(page)


def course_map(page) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text("Course map").click()
    page.get_by_text("Your record:").wait_for(timeout=60_000)
    settle(page)


def test_two_learners_see_only_their_own_work_and_the_teacher_sees_both(browser, test_output, tmp_path):
    """A guest is told their work stays in the tab and offered the sign-in; Ada signs in, passes week
    1 and signs out; Grace signs in, sees no passed exercise, and makes one failed attempt; the
    teacher signs in and finds both on the class page, Ada with week 1 passed and Grace without."""
    with identity_provider() as issuer, shared_server(tmp_path, issuer) as (url, database):
        context = browser.new_context(viewport={"width": 1400, "height": 2000})
        page = open_page(context, url)
        sidebar(page).get_by_role("button", name="Sign in to keep your work").wait_for(timeout=60_000)
        assert sidebar(page).get_by_text("You are a guest: your work stays in this tab until it closes.").count() == 1
        assert sidebar(page).get_by_role("button", name="Sign in to keep your work").count() == 1
        assert page.get_by_role("link", name="Class").count() == 0
        page.screenshot(path=str(test_output / "sign-in-guest.png"), full_page=True)

        sign_in(page, "ada")
        assert page.get_by_role("link", name="Class").count() == 0  # a learner is no teacher
        grade_week_1(page, trap=False)
        course_map(page)
        assert page.get_by_text("Your record: passed week 1").count() == 1
        page.screenshot(path=str(test_output / "sign-in-ada-passed.png"), full_page=True)
        sign_out(page)

        sign_in(page, "grace")
        course_map(page)
        assert page.get_by_text("Your record: no exercise passed yet").count() == 1
        assert page.get_by_text("Your record: passed").count() == 0
        page.screenshot(path=str(test_output / "sign-in-grace-home.png"), full_page=True)
        grade_week_1(page, trap=True)  # Grace's first write: the class page lists who has saved something
        sign_out(page)

        sign_in(page, "ada")  # another day: Ada's passed exercise is back, her certificate in her name
        course_map(page)
        assert page.get_by_text("Your record: passed week 1").count() == 1
        expect(page.get_by_label("Your name on the certificate")).to_have_value("Ada Lovelace")
        page.screenshot(path=str(test_output / "sign-in-ada-again.png"), full_page=True)
        sign_out(page)

        sign_in(page, "teacher")
        page.locator("[data-testid='stSidebarNav']").get_by_text("Class").click()
        page.get_by_text("2 of 2 learners").wait_for(timeout=60_000)
        settle(page)
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download as CSV").click()
        rows = {row["learner"]: row for row in csv.DictReader(Path(download.value.path()).read_text().splitlines())}
        page.screenshot(path=str(test_output / "sign-in-teacher-class.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        context.close()

    assert sorted(rows) == ["Ada Lovelace", "Grace Hopper"], rows  # the teacher is not a learner of the class
    assert rows["Ada Lovelace"]["exercises passed"] == "1" and rows["Grace Hopper"]["exercises passed"] == "0", rows
    store = progress.open_store(progress.engine_for(f"sqlite:///{database}"))  # the file the server wrote
    ada, grace = (f"oidc:{issuer}|{sub}" for sub in ("ada", "grace"))
    assert [attempt.grade.passed for attempt in store.attempts(ada)] == [True]
    assert [attempt.grade.passed for attempt in store.attempts(grace)] == [False]


def test_with_two_named_providers_each_button_signs_in_at_its_own(browser, test_output, tmp_path):
    """`[auth.google]` and `[auth.microsoft]` (both the mock here): a guest gets a button per
    provider, named after it, and the second one signs in through its own section."""
    with identity_provider() as issuer, shared_server(tmp_path, issuer, ("google", "microsoft")) as (url, _):
        context = browser.new_context(viewport={"width": 1400, "height": 2000})
        page = open_page(context, url)
        sidebar(page).get_by_role("button", name="Sign in with Microsoft").wait_for(timeout=60_000)
        buttons = sidebar(page).locator("[data-testid='stButton']").all_inner_texts()
        assert [button.splitlines()[-1] for button in buttons if "Sign in" in button] == [  # after the icon's name
            "Sign in with Google",
            "Sign in with Microsoft",
        ]
        page.screenshot(path=str(test_output / "sign-in-two-providers.png"), full_page=True)
        sidebar(page).get_by_role("button", name="Sign in with Microsoft").click()
        page.get_by_text(f"Client ID: {CLIENT_ID}-microsoft").wait_for(timeout=60_000)  # [auth.microsoft]'s client
        page.get_by_role("button", name="grace", exact=True).click()
        sidebar(page).get_by_text("Signed in as Grace Hopper").wait_for(timeout=120_000)
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        context.close()


def test_the_providers_offered_are_the_unnamed_one_then_each_named_section_in_order():
    """What `[auth]` sets up, as `ui.progress.configured_providers` reads it: the unnamed provider
    (its `client_id` in `[auth]` itself) first, then each `[auth.<name>]` with a `client_id`; a
    name with an underscore, which Streamlit refuses, and sections that are no provider are left out."""
    from ui import progress as learner_progress

    client = {"client_id": "x", "client_secret": "y", "server_metadata_url": "https://example.org"}
    shared = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "z", "expose_tokens": ["id"]}
    assert learner_progress.configured_providers(shared) == ()
    assert learner_progress.configured_providers({**shared, **client}) == (None,)
    named = {**shared, "microsoft": client, "google": client, "school_b": client, "client_kwargs": {"prompt": "login"}}
    assert learner_progress.configured_providers(named) == ("microsoft", "google")
    assert learner_progress.configured_providers({**named, **client}) == (None, "microsoft", "google")
