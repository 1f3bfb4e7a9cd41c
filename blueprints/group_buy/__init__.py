"""Group buying (拼团) pages: the team page (live), the seat forms, my teams."""
