/* Live video players: the room's stream (hls.js, or native HLS on Safari), the
   replay's recording with chapter seeking, the console's preview and stream health.

   A player waits until the server says the stream is ready (GET .../video-state)
   before it loads the playlist, so nothing 404s while the host is not streaming. */
(function () {
  "use strict";

  function Player(video, opts) {
    this.video = video;
    this.src = video.getAttribute("data-src");
    this.stateUrl = video.getAttribute("data-state-url");
    this.external = video.getAttribute("data-external") === "yes";
    this.box = opts.box;
    this.onChange = opts.onChange || function () {};
    this.hls = null;
    this.timer = null;
    this.wanted = false;
    var self = this;
    video.addEventListener("playing", function () { self.set("playing"); });
    video.addEventListener("waiting", function () { self.set("buffering"); });
  }

  Player.prototype.set = function (state) {
    this.state = state;
    if (this.box) {
      this.box.classList.toggle("is-playing", state === "playing" || state === "buffering");
      this.box.setAttribute("data-video", state);
    }
    this.onChange(state);
  };

  /* Play while the session is live; stop otherwise. */
  Player.prototype.want = function (on) {
    if (on === this.wanted) return;
    this.wanted = on;
    if (on) this.poll();
    else this.stop();
  };

  Player.prototype.poll = function () {
    var self = this;
    clearTimeout(this.timer);
    if (!this.wanted || this.hls || this.video.getAttribute("src")) return;
    if (this.external || !this.stateUrl) {
      this.load();
      return;
    }
    this.set("waiting");
    fetch(this.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (data) {
        if (data && data.ready) self.load();
        else self.timer = setTimeout(function () { self.poll(); }, 3000);
      })
      .catch(function () { self.timer = setTimeout(function () { self.poll(); }, 5000); });
  };

  Player.prototype.load = function () {
    var self = this;
    var video = this.video;
    video.hidden = false;
    this.set("loading");
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ enableWorker: false, liveSyncDurationCount: 2 });
      this.hls = hls;
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () { self.play(); });
      hls.on(window.Hls.Events.ERROR, function (_event, data) {
        if (!data || !data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        self.stop();
        self.timer = setTimeout(function () { self.poll(); }, 3000);
      });
      hls.loadSource(this.src);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = this.src;  // Safari plays HLS itself
      video.addEventListener("error", function retry() {
        video.removeEventListener("error", retry);
        self.stop();
        self.timer = setTimeout(function () { self.poll(); }, 3000);
      });
      this.play();
    } else {
      this.set("unsupported");
    }
  };

  Player.prototype.play = function () {
    var promise = this.video.play();
    if (promise && promise.catch) promise.catch(function () { /* needs a tap */ });
  };

  Player.prototype.stop = function () {
    clearTimeout(this.timer);
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    if (this.video.getAttribute("src")) {
      this.video.removeAttribute("src");
      this.video.load();
    }
    this.set("stopped");
  };

  window.LiveVideo = { Player: Player };

  // --- the room ---------------------------------------------------------------------

  var roomVideo = document.getElementById("live-player");
  var stage = document.getElementById("live-video");
  if (roomVideo && roomVideo.getAttribute("data-src")) {
    var unmute = document.getElementById("live-unmute");
    var player = new Player(roomVideo, {
      box: stage,
      onChange: function (state) {
        if (unmute) unmute.hidden = !(state === "playing" && roomVideo.muted);
      }
    });
    if (unmute) {
      unmute.addEventListener("click", function () {
        roomVideo.muted = false;
        unmute.hidden = true;
      });
    }
    var root = document.getElementById("live-room");
    player.want(root && root.getAttribute("data-status") === "live");
    if (window.LiveRoom) {
      window.LiveRoom.onState.push(function (state) {
        player.want(!!state.session && state.session.status === "live");
      });
    }
    window.LiveVideo.room = player;
  }

  /* Portrait video fills the room's frame; landscape is letterboxed (room.css). */
  function shape(video) {
    if (!video) return;
    video.addEventListener("loadedmetadata", function () {
      var landscape = video.videoWidth > video.videoHeight;
      video.classList.toggle("is-landscape", landscape);
      video.classList.toggle("is-portrait", !landscape);
    });
  }
  shape(roomVideo);
  shape(document.getElementById("replay-player"));

  // --- the replay: chapters seek the recording ----------------------------------------

  var replay = document.getElementById("replay-player");
  if (replay) {
    var seekers = document.querySelectorAll("[data-seek]");
    for (var i = 0; i < seekers.length; i++) {
      seekers[i].addEventListener("click", function (event) {
        event.preventDefault();
        var at = parseFloat(this.getAttribute("data-seek")) || 0;
        replay.currentTime = at;
        var promise = replay.play();
        if (promise && promise.catch) promise.catch(function () {});
        replay.scrollIntoView({ block: "nearest" });
      });
    }
  }

  // --- the console: preview and stream health ---------------------------------------

  var preview = document.getElementById("video-preview");
  var healthBox = document.getElementById("video-health");
  if (preview && preview.getAttribute("data-src")) {
    var previewPlayer = new Player(preview, { box: document.getElementById("video-preview-box") });
    previewPlayer.want(preview.getAttribute("data-status") === "live");
    window.LiveVideo.preview = previewPlayer;
  }
  if (healthBox && healthBox.getAttribute("data-url")) {
    var field = function (name) { return healthBox.querySelector('[data-role="' + name + '"]'); };
    var refresh = function () {
      fetch(healthBox.getAttribute("data-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.health) return;
          var h = data.health;
          healthBox.setAttribute("data-arriving", h.arriving ? "yes" : "no");
          field("arriving").textContent = healthBox.getAttribute(
            h.arriving ? "data-yes" : "data-no");
          field("bitrate").textContent = h.bitrate_kbps ? h.bitrate_kbps + " kbps" : "—";
          field("resolution").textContent = h.width ? h.width + " × " + h.height : "—";
          if (h.arriving && window.LiveVideo.preview) window.LiveVideo.preview.poll();
        })
        .catch(function () {});
    };
    refresh();
    setInterval(refresh, 5000);
  }
})();
