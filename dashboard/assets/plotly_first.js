/* plotly.js is named in the page as a deferred script (id "plotly-js", see
 * dashboard/plotly_script.py), fetched with the page's other files and run once the
 * page is read.  Dash's graphs fetch plotly.js themselves unless window.Plotly is
 * there when the first graph appears, and wait when it is a promise.  So, until the
 * deferred script has run, window.Plotly is a promise of it: a graph that appears
 * first (a slow connection, a large file) waits for it instead of fetching plotly.js
 * a second time.  Should the script fail to load, the full plotly.js of the plotly
 * package (data-fallback) is loaded instead.
 */
(function () {
    "use strict";
    const script = document.getElementById("plotly-js");
    if (window.Plotly || !script) {
        return;
    }
    window.Plotly = new Promise(function (resolve, reject) {
        script.addEventListener("load", function () {
            resolve(window.Plotly);
        });
        script.addEventListener("error", function () {
            const fallback = document.createElement("script");
            fallback.src = script.dataset.fallback;
            fallback.onload = function () {
                resolve(window.Plotly);
            };
            fallback.onerror = reject;
            document.head.appendChild(fallback);
        });
    });
})();
