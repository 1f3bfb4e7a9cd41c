"""The merchant's customers (CRM): every buyer of the shop with their figures
(`listing`), RFM scores and segments, repeat rate, cohorts and members' share
(`rfm`, `cohorts`), the merchant's tags (`tags`) and coupons sent to a segment or
a tag (`sends`). Never imports Flask."""
