/* The map's geometry, fetched as the map page opens.
 *
 * Plotly fetches a map's geometry (the figure holds its address, /geo/<level>.geojson)
 * only once the figure has arrived, and draws after it.  Fetched here while the page
 * and the map's first answer are still on the way, it is waiting in plotly's own store
 * of geometry (window.PlotlyGeoAssets, by address; likewise the base topojson), and
 * plotly draws at once.  Nothing is drawn from here: when this fetch is late or fails,
 * plotly fetches the geometry itself as before.
 */
(function () {
    "use strict";
    if (window.location.pathname !== "/" || !window.fetch) {
        return;
    }
    const assets = window.PlotlyGeoAssets || (window.PlotlyGeoAssets = {topojson: {}});
    assets.topojson = assets.topojson || {};

    function keep(url, into, key) {
        return fetch(url)
            .then(function (answer) {
                return answer.ok ? answer.json() : null;
            })
            .then(function (data) {
                // plotly may have asked meanwhile ("pending"); its own answer is the same
                if (data && (into[key] === undefined || into[key] === "pending")) {
                    into[key] = data;
                }
            })
            .catch(function () {});
    }

    const level = new URLSearchParams(window.location.search).get("level");
    fetch("/geo/levels.json")
        .then(function (answer) {
            return answer.ok ? answer.json() : null;
        })
        .then(function (levels) {
            const url = levels && (levels.urls[level] || levels.urls[levels.first]);
            if (url) {
                keep(url, assets, url);
            }
        })
        .catch(function () {});
    keep("/assets/topojson/world_110m.json", assets.topojson, "world_110m");
})();
