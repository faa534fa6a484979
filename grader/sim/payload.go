package sim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// payload renders v as JSON for a trace by reflection alone: it never calls
// a method of v (no MarshalJSON, no String), so a traced run executes
// exactly the student code an untraced run does, and it never prints an
// address, so the same run renders the same bytes every time. Exported
// fields are named as encoding/json would name them (tags respected);
// unexported fields are shown too, under their own names, since students'
// message types often have only those.
func payload(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	r := renderer{left: renderBudget}
	b, err := json.Marshal(r.render(reflect.ValueOf(v), 0))
	if err != nil {
		b, _ = json.Marshal(fmt.Sprintf("(%T: %v)", v, err))
	}
	return b
}

const renderDepth = 10

// renderBudget bounds the values one payload shows, so that a value whose
// parts share memory (30 pointers to one value of 30 pointers, ...) is
// shown in bounded time and space: past it, "…". The budget passes from
// one value to the next in a fixed order, except between a map's entries,
// which come in a random order: a map that runs out of budget is shown as
// a fixed mark (whether it runs out does not depend on the order).
const renderBudget = 1 << 14

// maxRenderBytes is the longest byte slice a payload shows; a longer one
// is shown by its length.
const maxRenderBytes = 64 << 10

type renderer struct{ left int }

func (r *renderer) render(v reflect.Value, depth int) any {
	if depth > renderDepth || r.left <= 0 {
		return "…"
	}
	r.left--
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if f != f || f > 1e308 || f < -1e308 {
			return fmt.Sprint(f) // NaN and infinities are not JSON numbers
		}
		return f
	case reflect.Complex64, reflect.Complex128:
		return fmt.Sprint(v.Complex())
	case reflect.String:
		return v.String()
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return r.render(v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.Len() > maxRenderBytes {
				return fmt.Sprintf("(%d bytes)", v.Len())
			}
			return v.Bytes() // base64, as encoding/json writes bytes
		}
		fallthrough
	case reflect.Array:
		n := v.Len()
		out := make([]any, min(n, r.left+1))
		for i := range out {
			out[i] = r.render(v.Index(i), depth+1)
		}
		if len(out) < n {
			out[len(out)-1] = fmt.Sprintf("… (%d more)", n-len(out)+1)
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			k := r.render(it.Key(), depth+1)
			key, ok := k.(string)
			if !ok {
				kb, _ := json.Marshal(k)
				key = string(kb)
			}
			out[key] = r.render(it.Value(), depth+1)
		}
		if r.left <= 0 {
			return fmt.Sprintf("(a map of %d entries, too large to show)", v.Len())
		}
		return out // encoding/json sorts the keys
	case reflect.Struct:
		t := v.Type()
		out := make(map[string]any, t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			name := f.Name
			if f.IsExported() {
				if tag, ok := f.Tag.Lookup("json"); ok {
					n, _, _ := strings.Cut(tag, ",")
					if n == "-" {
						continue
					}
					if n != "" {
						name = n
					}
				}
			}
			out[name] = r.render(v.Field(i), depth+1)
		}
		return out
	}
	return "(" + v.Type().String() + ")" // a func or a channel: its type only
}
