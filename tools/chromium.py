"""How Nimbus runs Debian's Chromium (tests and benches): no browser downloads are possible
here, and these flags keep it off Google's hosts on a closed network."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"

# Playwright passes its own --disable-features list, and Chromium keeps only the last
# --disable-features switch, so ours repeats Playwright's (tests/toolchain checks that it
# still does) and adds:
#   PreloadTopChromeWebUI, WebUIOmniboxPopup, WebUIOmniboxAimPopup, WebUIOmniboxFullPopup:
#   headless Chromium builds the address bar's WebUI popup in its own renderer for every new
#   window, i.e. every test context. That renderer spent ~1.3 s of CPU during each cold
#   lesson load on this 2-core machine, competing with the page. A desktop browser builds
#   it once per window at start, not per page, so leaving it on would measure the harness.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",  # Edge-only names Playwright lists too; Chromium ignores them
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
NIMBUS_DISABLED_FEATURES = (
    "PreloadTopChromeWebUI",
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
)

CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + NIMBUS_DISABLED_FEATURES),
]
