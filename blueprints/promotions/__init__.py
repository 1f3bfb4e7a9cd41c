"""Coupons for shoppers: claiming on product and shop pages (领券), "My coupons"."""
