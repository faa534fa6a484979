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
	b, err := json.Marshal(render(reflect.ValueOf(v), 0))
	if err != nil {
		b, _ = json.Marshal(fmt.Sprintf("(%T: %v)", v, err))
	}
	return b
}

const renderDepth = 10

func render(v reflect.Value, depth int) any {
	if depth > renderDepth {
		return "…"
	}
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
		return render(v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes() // base64, as encoding/json writes bytes
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = render(v.Index(i), depth+1)
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			k := render(it.Key(), depth+1)
			key, ok := k.(string)
			if !ok {
				kb, _ := json.Marshal(k)
				key = string(kb)
			}
			out[key] = render(it.Value(), depth+1)
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
			out[name] = render(v.Field(i), depth+1)
		}
		return out
	}
	return "(" + v.Type().String() + ")" // a func or a channel: its type only
}
