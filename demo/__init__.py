"""The demo world behind `flask seed-demo`: the seeder (`seed`), its text (`data`,
read from the JSON files in `demo/json/`) and its pictures (`art`). Not part of the
business core: it uses `livestall` like any client, and `livestall` never imports it.
"""
