//go:build !unix

package cognito

import "time"

// processCPU is unknown here (0): BenchmarkInitiateAuthVsFloorHTTP then reports no
// CPU-time ratio.
func processCPU() time.Duration { return 0 }
