"""Accessibility checks inside the browser journeys: axe-core (npm, installed by
`make vendor` into node_modules/, never served to users) runs in the page and a
journey fails on any serious or critical violation.

    from tests.plugins.axe import assert_accessible
    assert_accessible(page, "live room, phone")
"""

from functools import cache

from tests.plugins.browser import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

_RUN = """async (exclude) => {
  // colours are measured at rest: entrance animations (fades, slides) end first
  await Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => null)));
  const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
  const result = await axe.run(context, {
    resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                    'best-practice']},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({
      target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300)
    })),
  }));
}"""


@cache
def _axe_source():
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make vendor` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, exclude=()):
    """axe-core's violations on the page as it is now (every impact).

    The script is evaluated through the DevTools protocol, so the site's
    Content-Security-Policy (no inline scripts) does not block it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN, list(exclude))


def assert_accessible(page, where, exclude=()):
    """Fail on serious or critical violations, naming the rule and the elements."""
    bad = [v for v in axe_violations(page, exclude) if v["impact"] in BLOCKING]
    if bad:
        lines = [
            f"axe: {len(bad)} serious/critical violation(s) on {where} ({page.url})"
        ]
        for v in bad:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"]:
                lines.append(f"    {node['target']}: {node['summary']}")
        raise AssertionError("\n".join(lines))
