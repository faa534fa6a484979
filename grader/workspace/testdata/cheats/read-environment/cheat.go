package pingpong

import "os"

func seed() string { return os.Getenv("FAULTLINE_SEED") }
