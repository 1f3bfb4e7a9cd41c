"""Shop membership (会员) for shoppers: a shop's plans (join, buy, trial), my
memberships, and the member price on product cards and pages (`views`). The
merchant's console is `blueprints.merchant.membership`."""
