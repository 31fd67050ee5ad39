/* plotly.js is named in the page as a deferred script (id "plotly-js", see
 * dashboard/plotly_script.py), fetched with the page's other files and run once the
 * page is read.  Dash's graphs fetch plotly.js themselves unless window.Plotly is
 * there when the first graph appears, and wait when it is a promise.  So, until the
 * deferred script has run, window.Plotly is a promise of it: a graph that appears
 * first (a slow connection, a large file) waits for it instead of fetching plotly.js
 * a second time.  Should the script not load, or load without giving plotly.js (cut
 * short, or a browser it cannot run in), the full plotly.js of the plotly package
 * (data-fallback) is loaded instead.
 */
(function () {
    "use strict";
    const script = document.getElementById("plotly-js");
    if (window.Plotly || !script) {
        return;
    }
    let waiting = null;

    function loaded() {
        return window.Plotly && window.Plotly !== waiting && typeof window.Plotly.react === "function";
    }

    waiting = new Promise(function (resolve, reject) {
        function fallback() {
            const full = document.createElement("script");
            full.src = script.dataset.fallback;
            full.onload = function () {
                if (loaded()) {
                    resolve(window.Plotly);
                } else {
                    reject(new Error("plotly.js did not load"));
                }
            };
            full.onerror = reject;
            document.head.appendChild(full);
        }
        script.addEventListener("load", function () {
            if (loaded()) {
                resolve(window.Plotly);
            } else {
                fallback();
            }
        });
        script.addEventListener("error", fallback);
    });
    window.Plotly = waiting;
})();
