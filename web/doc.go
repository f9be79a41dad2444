// Package web holds what the site, the desk, the API and the WebSub
// callback share, so that each exists once:
//
//   - the one place where error codes meet HTTP (ErrorStatus, and the
//     Retry-After of a 503), and the one error writer (ErrorWriter),
//     which maps, logs newsdesk's own failures and hides their details
//     from users, each surface giving only the form of its answer;
//   - the middleware: answers for what no route matches (Unmatched),
//     security headers (Headers, PagePolicy), RecoverPanics, and the
//     health check (Healthz);
//   - who a request comes from, as limits on clients count it
//     (ClientAddress);
//   - the HTML kit of the site and the desk: templates parsed from an
//     embedded layout and pages, rendered whole before a byte is sent
//     (WritePage), and static files under content-hashed URLs (Assets).
//
// It knows HTTP and HTML and nothing of the database: surfaces call the
// services of package newsdesk.
package web
