package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard/httpapi"
)

// newOpenAPICmd prints the API's OpenAPI document without running a server;
// the console's TypeScript client is generated from it (make ui).
func newOpenAPICmd() *cobra.Command {
	return &cobra.Command{
		Use:   "openapi",
		Short: "Print the OpenAPI 3 document of the API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			api := apiRoutes()
			api.Version = buildVersion()
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(api.OpenAPI())
		},
	}
}

// apiRoutes is the API with every route registered and no backends: enough
// to describe it.
func apiRoutes() *httpapi.Server {
	return httpapi.New(httpapi.Deps{})
}
