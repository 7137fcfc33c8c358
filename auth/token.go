package auth

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
)

// tokenPrefix marks switchyard API tokens so secret scanners can find them.
const tokenPrefix = "sy_"

// maxTokenName bounds a token's name.
const maxTokenName = 100

// checkTokenName checks a token name ("" is checked by the caller): at
// most 100 characters, no control characters.
func checkTokenName(field, name string) error {
	if utf8.RuneCountInString(name) > maxTokenName {
		return switchyard.FieldErrorf(field, "token.name", "%s must be at most %d characters", field, maxTokenName)
	}
	return switchyard.ValidateText(field, name, maxTokenName, false)
}

// IssueToken creates an API token for user. The secret is returned once.
func (s *Service) IssueToken(ctx context.Context, user *switchyard.User, req switchyard.TokenRequest) (*switchyard.IssuedToken, error) {
	if req.Name == "" {
		return nil, switchyard.FieldErrorf("name", "token.name", "name is required and at most %d characters", maxTokenName)
	}
	if err := checkTokenName("name", req.Name); err != nil {
		return nil, err
	}
	t := &switchyard.Token{UserID: user.ID, UserName: user.Name, Name: req.Name}
	if req.ExpiresIn != "" {
		d, err := time.ParseDuration(req.ExpiresIn)
		if err != nil || d <= 0 {
			return nil, switchyard.FieldErrorf("expiresIn", "token.expires", "expiresIn %q must be a positive duration such as 720h", req.ExpiresIn)
		}
		exp := s.Now().Add(d)
		t.ExpiresAt = &exp
	}
	secret := tokenPrefix + randomString(30)
	t.Hash, t.Prefix = hashSecret(secret), secret[:10]
	if err := s.Store.CreateToken(ctx, t); err != nil {
		return nil, err
	}
	return &switchyard.IssuedToken{Token: t, Secret: secret}, nil
}

// LoginToken checks a name and password and issues an API token: how the
// CLI logs in.
func (s *Service) LoginToken(ctx context.Context, req switchyard.LoginRequest, addr string) (*switchyard.IssuedToken, *switchyard.User, error) {
	if err := CheckLogin(req); err != nil {
		return nil, nil, err
	}
	u, err := s.checkCredentials(ctx, req.Username, req.Password, addr)
	if err != nil {
		return nil, nil, err
	}
	name := req.TokenName
	if name == "" {
		name = "cli"
	}
	it, err := s.IssueToken(ctx, u, switchyard.TokenRequest{Name: name})
	return it, u, err
}
