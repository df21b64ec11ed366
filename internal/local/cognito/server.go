package cognito

import (
	"encoding/json"
	"net/http"
)

// newHandler routes the pool's endpoints:
//
//	POST /                                  the JSON 1.1 API, by X-Amz-Target (api.go)
//	GET  /<poolId>/.well-known/jwks.json    the JWKS (WIRE.md 1.7)
//	GET  /_cognitolab/mailbox               the mailbox as a JSON list (local lab only)
//	everything else                         the hosted UI and OAuth2 endpoints (hostedui.go)
func (p *Pool) newHandler() http.Handler {
	hosted := p.hostedUIHandler()
	jwksPath := "/" + p.cfg.PoolID + "/.well-known/jwks.json"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/" && r.Method == http.MethodPost:
			p.serveAPI(w, r)
		case r.URL.Path == jwksPath && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "max-age=3600")
			_, _ = w.Write(p.JWKS())
		case r.URL.Path == "/_cognitolab/mailbox" && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			if !p.networkAllowed(r, "") {
				w.WriteHeader(http.StatusForbidden)
				e := errAdminFromNetwork("The mailbox")
				_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Type, "message": e.Message})
				return
			}
			msgs := p.Mailbox()
			if msgs == nil {
				msgs = []Message{}
			}
			_ = json.NewEncoder(w).Encode(msgs)
		default:
			hosted.ServeHTTP(w, r)
		}
	})
}
