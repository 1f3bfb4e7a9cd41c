# Livestall: `make run` serves the demo site; `make test` installs what the tests
# need and runs them all. Both work on a fresh machine with Python 3.11+ and npm.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev vendor translations chromium video-tools lint format clean

run: setup
	LIVESTALL_ENV=development $(BIN)/flask --app app seed-demo --if-empty
	LIVESTALL_ENV=development $(BIN)/python app.py --host $(HOST) --port $(PORT)

# nginx-rtmp for live video (RTMP in, HLS out), in the foreground, next to `make run`
.PHONY: video
video: setup
	LIVESTALL_ENV=development $(BIN)/flask --app app video-server

# Tests run in TEST_WORKERS processes (pytest-xdist; 0 runs them in this one). Tests
# marked `serial` (timing, clusters) run with no other test at the same time
# (tests/plugins/parallel.py).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test: setup-dev chromium video-tools
	$(BIN)/ruff check .
	$(PYTEST)

# The non-browser suite again on PostgreSQL: each test on a fresh database cloned
# from a migrated template (tests/plugins/app.py), a template per worker. The cluster
# tests ran in `make test`.
TEST_PG ?= postgresql://postgres@127.0.0.1:5432
.PHONY: test-postgres
test-postgres: setup-dev
	LIVESTALL_TEST_DATABASE_URL=$(TEST_PG) $(PYTEST) -m "not browser" \
	  --ignore=tests/site/test_cluster.py --ignore=tests/moderation/test_takedown_cluster.py

# N processes on PostgreSQL + Redis behind nginx (docs/DEPLOY.md); Ctrl-C stops all
N ?= 2
CLUSTER_PORT ?= 8080
.PHONY: run-cluster stop-cluster
run-cluster: setup
	$(BIN)/python deploy/cluster.py --nodes $(N) --host $(HOST) --port $(CLUSTER_PORT)
stop-cluster:
	$(BIN)/python deploy/cluster.py --stop

# Chat fan-out, flash sale, search and pages on one process and on two (PostgreSQL
# + Redis); writes bench/RESULTS.md. Quick sizes; FULL=1 for the full ones.
.PHONY: bench
bench: setup-dev
	$(BIN)/python -m bench.run $(if $(FULL),--full)

setup: $(VENV)/.runtime vendor translations
setup-dev: $(VENV)/.dev vendor translations

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

vendor: static/vendor/.installed
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/
	cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css static/vendor/
	cp node_modules/hls.js/dist/hls.min.js static/vendor/
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d translations --statistics

# Browser tests drive Debian's Chromium through Playwright (no browser downloads);
# the CJK font makes Chinese readable in the journeys' screenshots.
chromium:
	@if ! test -x /usr/bin/chromium || ! test -d /usr/share/fonts/opentype/noto; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
	    >/dev/null; \
	  else echo "install Debian's chromium and fonts-noto-cjk packages" >&2; fi; fi

# The live video journeys (tests/journeys/test_journey_video.py) need nginx with the
# RTMP module and ffmpeg; like Chromium, `make test` installs them when it can (root).
video-tools:
	@if ! command -v ffmpeg >/dev/null || ! test -x /usr/sbin/nginx || \
	  ! test -e /usr/lib/nginx/modules/ngx_rtmp_module.so; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-rtmp \
	    ffmpeg >/dev/null; \
	  else echo "install Debian's nginx, libnginx-mod-rtmp and ffmpeg packages" >&2; fi; fi

lint:
	$(BIN)/ruff check .

format:
	$(BIN)/ruff format .

messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k Invalid -k NotFound -k NotAllowed \
	  -k NotAuthenticated -k Conflict -k AlreadyExists -k TooLarge -k UnsupportedMedia \
	  -k RateLimited -k OutOfStock -k LimitReached -k SaleEnded -k Unavailable \
	  -k NotAllowedByMerchant -k NotForSale -k NotLive -k Banned -k Muted -k SlowMode \
	  -k SaleNotStarted -k TeamFull -k TeamClosed -k AlreadyInTeam -k TeamNotFormed \
	  -k DealClosed -k SoldOut -k NotClaimable -k NotOpen -k CampaignClosed \
	  -k AlreadyHelped -k HelpLimit -k RecordClosed -k AccountTooNew -k AlreadyOrdered \
	  -k CutoffPassed -k LeaderNotApproved -k AlreadyPickedUp -k BeforeCutoff \
	  -k GroupClosed -k NotAMember -k RemovedFromGroup -k MembershipClosed -k TrialUsed \
	  -k PurchasePending -k PaymentTooLate -k CouponNotSendable \
  -k PollOpen -k PollEnded -k AlreadyVoted -k DrawOpen -k DrawEnded \
  -k AlreadyEntered -k FollowRequired -k RegistrationClosed -k LotterySale \
  -k AlreadyReported -k AlreadyDecided -k SameAdmin \
	  -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache
