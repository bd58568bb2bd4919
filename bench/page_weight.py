"""Bytes on the wire for a page: first load (empty cache) and repeat load (same browser), compressed.

Usage: python bench/page_weight.py BASE_URL [PATH ...]   (default path: /)
Measured in Debian's Chromium through the DevTools protocol (encoded bytes, headers excluded).
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


def transferred(page, client, url: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(bytes, requests, requests answered from the browser cache) for one navigation."""
    sizes: dict[str, int] = {}
    cached: set[str] = set()
    client.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    client.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    return sum(sizes.values()), len(sizes), len(cached)


def main() -> None:
    base = sys.argv[1].rstrip("/")
    paths = sys.argv[2:] or ["/"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        print(f"{'page':40} {'first load':>14} {'repeat load':>14}")
        for path in paths:
            context = browser.new_context()
            page = context.new_page()
            client = context.new_cdp_session(page)
            client.send("Network.enable")
            first, requests, _ = transferred(page, client, base + path)
            client.send("Network.enable")
            repeat, repeat_requests, from_cache = transferred(page, client, base + path)
            print(
                f"{path:40} {first / 1024:10.1f} KiB {repeat / 1024:10.1f} KiB"
                f"   ({requests} requests; repeat: {repeat_requests}, {from_cache} from cache)"
            )
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
