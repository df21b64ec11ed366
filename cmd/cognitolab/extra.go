package main

import "github.com/spf13/cobra"

// extraCommands are the commands beyond serve and app: the AWS lab's and the
// transcript / decoder commands.
func extraCommands() []*cobra.Command {
	cmds := awsCommands()
	cmds = append(cmds, runCommand(), decodeCommand())
	return cmds
}
