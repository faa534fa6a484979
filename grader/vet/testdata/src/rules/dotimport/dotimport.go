package dotimport

import . "strings"

var _ = ToUpper
