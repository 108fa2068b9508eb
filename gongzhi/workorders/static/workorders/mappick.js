/* Pick a point on a Leaflet map with the district's own outlines (no tiles unless configured).

   <div class="wo-mappick" data-geo-url="…" data-lng="id_lng" data-lat="id_lat"
        data-compound="id_compound" data-tile-url="">
     <div class="wo-map"></div><p class="wo-picked"></p>
   </div>

   A click on the map (or on a compound) sets the longitude/latitude inputs; a search result
   button with data-pick-lng / data-pick-lat / data-pick-compound / data-pick-name (rendered by
   the compound search) moves the marker there and records the compound. Coordinates are WGS-84,
   the same as the outlines served by the app.
*/
(function () {
  "use strict";

  function fmt(v) { return Number(v).toFixed(6); }

  function init(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var L = window.L;
    var lngInput = document.getElementById(root.dataset.lng);
    var latInput = document.getElementById(root.dataset.lat);
    var compoundInput = root.dataset.compound ? document.getElementById(root.dataset.compound) : null;
    var picked = root.querySelector(".wo-picked");
    var mapEl = root.querySelector(".wo-map");
    var map = L.map(mapEl, { zoomControl: true, attributionControl: false, zoomSnap: 0.25 });
    map.setView([39.95, 116.48], 11);
    if (root.dataset.tileUrl) {
      L.tileLayer(root.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    }
    var marker = null;

    function show(lat, lng, label) {
      if (!marker) {
        marker = L.circleMarker([lat, lng], { radius: 9, color: "#c62828", weight: 3, fillColor: "#fff", fillOpacity: 1 }).addTo(map);
      } else {
        marker.setLatLng([lat, lng]);
      }
      lngInput.value = fmt(lng);
      latInput.value = fmt(lat);
      lngInput.dispatchEvent(new Event("change", { bubbles: true }));
      if (picked) {
        picked.textContent = (label ? label + " · " : "") + fmt(lng) + ", " + fmt(lat);
        picked.classList.add("set");
      }
    }

    map.on("click", function (e) {
      if (compoundInput) compoundInput.value = "";
      show(e.latlng.lat, e.latlng.lng, e.compoundName || root.dataset.pickedText || "");
    });

    if (lngInput.value && latInput.value) {
      // A form sent back with errors keeps its point: show it, centred.
      show(parseFloat(latInput.value), parseFloat(lngInput.value), "");
      map.setView(marker.getLatLng(), 15);
    }

    if (root.dataset.geoUrl) {
      fetch(root.dataset.geoUrl, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          var layer = L.geoJSON(data, {
            style: function (f) {
              var kind = f.properties && f.properties.kind;
              if (kind === "district") return { color: "#1459b8", weight: 2, fillOpacity: 0.03, fillColor: "#1459b8" };
              if (kind === "subdistrict") return { color: "#5f6b7a", weight: 1, dashArray: "4 3", fill: false };
              return { color: "#1b7f3b", weight: 1, fillOpacity: 0.18, fillColor: "#1b7f3b" };
            },
            onEachFeature: function (f, l) {
              var p = f.properties || {};
              if (p.kind === "compound" && p.name) {
                l.bindTooltip(p.name, { sticky: true, className: "wo-compound-label" });
                l.on("click", function (e) { e.compoundName = p.name; });
              }
            }
          }).addTo(map);
          var bounds = layer.getBounds();
          if (bounds.isValid() && !marker) map.fitBounds(bounds, { padding: [8, 8] });
        })
        .catch(function () { /* the map still takes clicks without outlines */ });
    }

    document.addEventListener("click", function (e) {
      var btn = e.target.closest("[data-pick-lng]");
      if (!btn) return;
      e.preventDefault();
      var lat = parseFloat(btn.dataset.pickLat), lng = parseFloat(btn.dataset.pickLng);
      show(lat, lng, btn.dataset.pickName || "");
      if (compoundInput) compoundInput.value = btn.dataset.pickCompound || "";
      map.setView([lat, lng], Math.max(map.getZoom(), 15));
      var list = btn.closest(".wo-results");
      if (list) list.innerHTML = "";
    });

    var locate = root.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function (e) {
        e.preventDefault();
        navigator.geolocation.getCurrentPosition(function (pos) {
          if (compoundInput) compoundInput.value = "";
          show(pos.coords.latitude, pos.coords.longitude, locate.dataset.label || "");
          map.setView([pos.coords.latitude, pos.coords.longitude], 16);
        });
      });
    }
  }

  function initAll(scope) {
    (scope || document).querySelectorAll(".wo-mappick").forEach(init);
  }
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:load", function (e) { initAll(e.target); });
})();
