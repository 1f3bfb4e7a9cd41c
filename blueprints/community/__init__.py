"""Community group buying (社区团购) pages: neighbours' (`views`: near me, a pickup
point's page, ordering for pickup) and leaders' (`leader_views`: apply, batches,
verifying pickup codes, earnings; `helper_views` adds the helpers page to its
blueprint)."""

from blueprints.community import helper_views  # noqa: F401  (register routes on bp)
