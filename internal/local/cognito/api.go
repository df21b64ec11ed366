package cognito

import "net/http"

// serveAPI serves the JSON 1.1 API (placeholder until step 2).
func (p *Pool) serveAPI(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not yet", http.StatusNotImplemented)
}
