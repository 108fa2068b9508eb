/* 共治: the dashboard's map (Leaflet, served by the project; no tiles unless configured).

The map element carries three URLs: the district outline and the places' shapes (the place
browser's GeoJSON, scoped to the person) and the month's figures of those places (the
dashboard's map.json). The places are coloured by the measure chosen in #map-measure, with a
legend; a click opens the place's dashboard. When it has drawn, the element gets
data-map-ready (the number of places) for browser tests.
*/
(function () {
  "use strict";

  // Rates: low (red) to high (green). Counts: light to dark.
  var RATE_COLOURS = ["#b3261e", "#e0703a", "#e8b33a", "#8bbf5a", "#1e7a46"];
  var COUNT_COLOURS = ["#fde9e3", "#f6b8a5", "#ec8467", "#d2513a", "#a1251b"];
  var NO_DATA = "#d9dee2";
  var RATES = { composite: true, response: true, resolution: true, satisfaction: true };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(url + ": " + response.status);
        }
        return response.json();
      });
  }

  // Rates: fixed steps (the grades' thresholds, from the page), so that a colour means the
  // same on every map. Counts: five equal steps from 0 to the largest.
  function bins(values, isRate, steps) {
    if (isRate && steps.length === RATE_COLOURS.length - 1) {
      var edges = [0].concat(steps).concat([100]);
      return RATE_COLOURS.map(function (colour, i) {
        return { from: edges[i], to: edges[i + 1], colour: colour, open: i < RATE_COLOURS.length - 1 };
      });
    }
    var present = values.filter(function (v) { return v !== null && v !== undefined; });
    if (!present.length) {
      return [];
    }
    var high = Math.max.apply(null, present);
    if (high <= 0) {
      return [{ from: 0, to: 0, colour: COUNT_COLOURS[0] }];
    }
    var colours = isRate ? RATE_COLOURS : COUNT_COLOURS;
    var low = isRate ? Math.min.apply(null, present) : 0;
    var step = (high - low) / colours.length;
    return colours.map(function (colour, i) {
      return { from: low + step * i, to: i === colours.length - 1 ? high : low + step * (i + 1), colour: colour };
    });
  }

  function colourOf(value, scale) {
    if (value === null || value === undefined || !scale.length) {
      return NO_DATA;
    }
    for (var i = 0; i < scale.length; i++) {
      // A step open at its top ([80, 85)) leaves its upper edge to the next one.
      if (scale[i].open ? value < scale[i].to : value <= scale[i].to + 1e-9) {
        return scale[i].colour;
      }
    }
    return scale[scale.length - 1].colour;
  }

  function format(value, isRate) {
    if (value === null || value === undefined) {
      return "—";
    }
    return isRate ? value.toFixed(1) : String(Math.round(value));
  }

  function init() {
    var element = document.getElementById("dash-map");
    if (!element || typeof L === "undefined") {
      return;
    }
    var select = document.getElementById("map-measure");
    var legend = document.getElementById("dash-legend");
    var note = document.getElementById("dash-map-note");
    var focus = element.dataset.focus || "";
    var steps = (element.dataset.rateSteps || "").split(" ").filter(Boolean).map(Number);
    var tiles = element.dataset.tileUrl;
    var map = L.map(element, { zoomSnap: 0.25, zoomControl: false, attributionControl: Boolean(tiles) });
    L.control
      .zoom({ zoomInTitle: element.dataset.zoomIn || "+", zoomOutTitle: element.dataset.zoomOut || "-" })
      .addTo(map);
    map.setView([39.95, 116.48], 11);
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
    var layer = null;
    var permanent = false;
    var figures = {};

    function measureLabel() {
      return select ? select.options[select.selectedIndex].text : "";
    }

    function paint() {
      if (!layer) {
        return;
      }
      var measure = select ? select.value : "composite";
      var isRate = Boolean(RATES[measure]);
      var values = Object.keys(figures).map(function (id) { return figures[id][measure]; });
      var scale = bins(values, isRate, steps);
      layer.eachLayer(function (shape) {
        var area = figures[shape.feature.properties.id] || {};
        var focused = focus && String(shape.feature.properties.id) === focus;
        shape.setStyle({
          color: focused ? "#1d2327" : "#ffffff",
          weight: focused ? 3 : 1,
          fillColor: colourOf(area[measure], scale),
          fillOpacity: 0.8,
        });
        var name = shape.feature.properties.name || area.name || "";
        // Permanent labels stay short; hovering a place of a crowded map tells more.
        shape.setTooltipContent(
          name + " " + format(area[measure], isRate) +
          (permanent ? "" : "（" + measureLabel() + "；" + element.dataset.orders + " " + (area.orders || 0) + "）")
        );
      });
      if (legend) {
        legend.textContent = "";
        var title = document.createElement("strong");
        title.textContent = measureLabel();
        legend.appendChild(title);
        scale.forEach(function (bin, i) {
          var text = format(bin.from, isRate) + "–" + format(bin.to, isRate);
          if (bin.open !== undefined) {
            // The fixed steps of a rate: <80, 80–85, …, ≥95.
            text = i === 0 ? "<" + bin.to : !bin.open ? "≥" + bin.from : bin.from + "–" + bin.to;
          }
          legend.appendChild(item(bin.colour, text));
        });
        legend.appendChild(item(NO_DATA, element.dataset.noData || ""));
      }
    }

    function item(colour, text) {
      var span = document.createElement("span");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(text));
      return span;
    }

    getJSON(element.dataset.outlineUrl)
      .then(function (outline) {
        L.geoJSON(outline, { interactive: false, style: { color: "#b3261e", weight: 2, fill: false } }).addTo(map);
        return Promise.all([getJSON(element.dataset.geoUrl), getJSON(element.dataset.valuesUrl)]);
      })
      .then(function (results) {
        var shapes = results[0];
        var data = results[1];
        data.areas.forEach(function (area) { figures[area.id] = area; });
        if (note && (data.generated || shapes.generated)) {
          note.hidden = false;
        }
        permanent = shapes.features.length <= 25;
        layer = L.geoJSON(shapes, {
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(feature.properties.name || "", {
              permanent: permanent,
              direction: "center",
              className: permanent ? "dash-label" : "",
            });
            shape.on("click", function () {
              var area = figures[feature.properties.id];
              if (area && area.url) {
                window.location.assign(area.url);
              }
            });
          },
        }).addTo(map);
        paint();
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [12, 12], animate: false });
        }
        element.setAttribute("data-map-ready", String(shapes.features.length));
      })
      .catch(function (error) {
        element.setAttribute("data-map-error", String(error));
      });

    if (select) {
      select.addEventListener("change", paint);
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
