/* 共治: the place browser's map (Leaflet, served by the project; no tiles unless configured).

The map element carries the outline URL and an optional tile server; the place panel, which
htmx swaps on every drill-down, carries the GeoJSON URLs of the places of the current level
(data-map-layers) and the place to focus (data-map-focus, "level:id"). The map draws the
district outline once and redraws the places after every swap. When it has drawn, the map
element gets data-map-ready (browser tests wait for it).
*/
(function () {
  "use strict";

  var STYLES = {
    district: { color: "#b3261e", weight: 2.5, fill: false, className: "gz-outline" },
    subdistrict: { color: "#0b5cad", weight: 1.2, fillColor: "#0b5cad", fillOpacity: 0.08 },
    community: { color: "#1e7a46", weight: 1.2, fillColor: "#1e7a46", fillOpacity: 0.12 },
    compound: { color: "#8a5a00", weight: 1, fillColor: "#e0a100", fillOpacity: 0.35 },
  };
  var FOCUS = { color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.35 };
  // With few places, their names stay on the map; with many, they show on hover.
  var PERMANENT_LABELS_UP_TO = 25;

  var map = null;
  var outline = null;
  var outlineReady = null;
  var places = null;
  var drawing = 0;
  var drawnPanel = null;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(url + ": " + response.status);
        }
        return response.json();
      });
  }

  // "compound:12": ids are only unique within a level.
  function keyOf(feature) {
    return feature.properties.level + ":" + feature.properties.id;
  }

  function styleFor(feature, focusId) {
    var level = feature.properties.level;
    var base = STYLES[level] || STYLES.compound;
    var style = Object.assign({}, base, { className: "gz-place gz-" + level });
    if (level === "district") {
      style.className = "gz-outline";
    }
    if (focusId && keyOf(feature) === focusId) {
      Object.assign(style, FOCUS);
      style.className += " gz-focus";
    }
    return style;
  }

  function open(url) {
    if (url === window.location.pathname) {
      return; // the place of this page
    }
    // Prefer the list's own link, so that htmx swaps the panel and pushes the URL.
    var link = document.querySelector('#place-panel a[href="' + url + '"]');
    if (link) {
      link.click();
    } else {
      window.location.assign(url);
    }
  }

  function layerFor(collection, focusId, permanent) {
    return L.geoJSON(collection, {
      style: function (feature) {
        return styleFor(feature, focusId);
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ radius: 6 }, styleFor(feature, focusId)));
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        if (p.name) {
          layer.bindTooltip(p.name, {
            permanent: permanent,
            direction: "center",
            className: permanent ? "map-label" : "",
          });
        }
        if (p.url) {
          layer.on("click", function () {
            open(p.url);
          });
        }
      },
    });
  }

  function fit(group, focusId) {
    var bounds = null;
    if (focusId) {
      group.eachLayer(function (collection) {
        collection.eachLayer(function (layer) {
          if (keyOf(layer.feature) === focusId && layer.getBounds) {
            bounds = layer.getBounds();
          } else if (keyOf(layer.feature) === focusId && layer.getLatLng) {
            bounds = L.latLngBounds([layer.getLatLng(), layer.getLatLng()]);
          }
        });
      });
    }
    if (!bounds && group.getLayers().length) {
      bounds = group.getBounds();
    }
    if ((!bounds || !bounds.isValid()) && outline) {
      bounds = outline.getBounds();
    }
    if (bounds && bounds.isValid()) {
      // No animation: the map is ready (and testable) as soon as it has drawn.
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17, animate: false });
    }
  }

  function draw() {
    var panel = document.getElementById("place-panel");
    var element = document.getElementById("place-map");
    if (!map || !panel || !element) {
      return;
    }
    var urls = (panel.dataset.mapLayers || "").split(" ").filter(Boolean);
    var focusId = panel.dataset.mapFocus || "";
    drawnPanel = panel;
    var ticket = ++drawing;
    element.removeAttribute("data-map-ready");
    Promise.all([outlineReady].concat(urls.map(getJSON)))
      .then(function (results) {
        if (ticket !== drawing) {
          return; // a later drill-down has started drawing
        }
        var collections = results.slice(1);
        var count = collections.reduce(function (n, c) {
          return n + c.features.length;
        }, 0);
        if (places) {
          places.remove();
        }
        places = L.featureGroup();
        collections.forEach(function (collection) {
          layerFor(collection, focusId, count <= PERMANENT_LABELS_UP_TO).addTo(places);
        });
        places.addTo(map);
        fit(places, focusId);
        element.setAttribute("data-map-ready", String(count));
      })
      .catch(function (error) {
        element.setAttribute("data-map-error", String(error));
      });
  }

  function init() {
    var element = document.getElementById("place-map");
    if (!element || typeof L === "undefined") {
      return;
    }
    var tiles = element.dataset.tileUrl;
    map = L.map(element, {
      zoomSnap: 0.25,
      zoomControl: false,
      attributionControl: Boolean(tiles),
    });
    // The zoom buttons' titles come translated from the page.
    L.control
      .zoom({
        zoomInTitle: element.dataset.zoomIn || "+",
        zoomOutTitle: element.dataset.zoomOut || "-",
      })
      .addTo(map);
    map.setView([39.95, 116.48], 11); // Chaoyang, until the outline arrives
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
    outlineReady = getJSON(element.dataset.outlineUrl).then(function (collection) {
      outline = L.geoJSON(collection, {
        interactive: false,
        style: function (feature) {
          return styleFor(feature, "");
        },
      }).addTo(map);
      outline.bringToBack();
      return collection;
    });
    draw();
  }

  document.addEventListener("DOMContentLoaded", init);
  // After an htmx swap the panel is a new element: draw the places of the new level.
  document.addEventListener("htmx:afterSettle", function () {
    var panel = document.getElementById("place-panel");
    if (panel && panel !== drawnPanel) {
      draw();
    }
  });
})();
