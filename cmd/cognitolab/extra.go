package main

import "github.com/spf13/cobra"

// extraCommands are the commands beyond serve and app.
func extraCommands() []*cobra.Command {
	return nil
}
