package cognito

import (
	"slices"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// The app clients of the pool: the lab's three (ALB, public, machine) from lab.yaml.

// initClients builds the three lab clients from the settings; ids and secrets come
// from the config, else the state file (so they stay stable), else are generated.
func (p *Pool) initClients(st *state) {
	s := p.cfg.Settings
	alb := s.ALBClient
	alb.CallbackURLs = append([]string{strings.TrimRight(p.cfg.ALBBaseURL, "/") + alb.CallbackPath}, alb.CallbackURLs...)
	alb.LogoutURLs = append([]string{strings.TrimRight(p.cfg.ALBBaseURL, "/") + alb.LogoutPath}, alb.LogoutURLs...)
	specs := []struct {
		role     string
		cs       labconf.ClientSettings
		id, secr string
	}{
		{"alb", alb, p.cfg.ALBClientID, p.cfg.ALBClientSecret},
		{"public", s.PublicClient, p.cfg.PublicClientID, ""},
		{"machine", s.MachineClient, p.cfg.MachineClientID, p.cfg.MachineClientSecret},
	}
	for _, sp := range specs {
		var saved *stateClient
		if st != nil {
			for i := range st.Clients {
				if st.Clients[i].Role == sp.role {
					saved = &st.Clients[i]
				}
			}
		}
		c := clientFromSettings(sp.cs, p.now())
		switch {
		case sp.id != "":
			c.ID = sp.id
		case saved != nil && saved.ID != "":
			c.ID, c.Created = saved.ID, saved.Created
		default:
			c.ID = randomID(26)
		}
		if sp.cs.GenerateSecret {
			switch {
			case sp.secr != "":
				c.Secret = sp.secr
			case saved != nil && saved.Secret != "":
				c.Secret = saved.Secret
			default:
				c.Secret = randomID(51)
			}
		}
		p.clients[c.ID] = c
		p.order = append(p.order, c.ID)
		p.roles = append(p.roles, sp.role)
	}
}

// clientFromSettings applies Cognito's defaults (WIRE.md 2 "Validity"; 3.2).
func clientFromSettings(cs labconf.ClientSettings, now time.Time) *Client {
	orDefault := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	flows := cs.ExplicitAuthFlows
	if len(flows) == 0 {
		// Cognito's default when ExplicitAuthFlows is unspecified (WIRE.md 3.2).
		flows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	pue := cs.PreventUserExistenceErrors
	if pue == "" {
		pue = "LEGACY"
	}
	return &Client{
		Name:                       cs.Name,
		CallbackURLs:               append([]string(nil), cs.CallbackURLs...),
		LogoutURLs:                 append([]string(nil), cs.LogoutURLs...),
		AllowedOAuthFlows:          append([]string(nil), cs.AllowedOAuthFlows...),
		AllowedOAuthScopes:         append([]string(nil), cs.AllowedOAuthScopes...),
		ExplicitAuthFlows:          append([]string(nil), flows...),
		SupportedIdentityProviders: []string{"COGNITO"},
		AccessTokenValidity:        orDefault(cs.AccessTokenValidity, time.Hour),
		IDTokenValidity:            orDefault(cs.IDTokenValidity, time.Hour),
		RefreshTokenValidity:       orDefault(cs.RefreshTokenValidity, 30*24*time.Hour),
		EnableTokenRevocation:      cs.EnableTokenRevocation,
		PreventUserExistenceErrors: pue,
		ReadAttributes:             slices.Clone(cs.ReadAttributes),
		WriteAttributes:            slices.Clone(cs.WriteAttributes),
		Created:                    now.UTC().Truncate(time.Second),
	}
}

// Clients returns copies of the pool's clients in creation order.
func (p *Pool) Clients() []*Client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]*Client, 0, len(p.order))
	for _, id := range p.order {
		c := *p.clients[id]
		out = append(out, &c)
	}
	return out
}

// Client returns the client with this id, or nil. The result is shared: do not modify it.
func (p *Pool) Client(id string) *Client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.clients[id]
}

func (p *Pool) clientByRole(role string) *Client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for i, r := range p.roles {
		if r == role {
			return p.clients[p.order[i]]
		}
	}
	return nil
}

// ALBClient is the ALB's confidential client (secret, code grant).
func (p *Pool) ALBClient() *Client { return p.clientByRole("alb") }

// PublicClient is the learner's public client (PKCE, USER_PASSWORD_AUTH).
func (p *Pool) PublicClient() *Client { return p.clientByRole("public") }

// MachineClient is the client_credentials client.
func (p *Pool) MachineClient() *Client { return p.clientByRole("machine") }
