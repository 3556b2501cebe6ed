-- tests/e2e/scripts/features.lua — Lua 5.4: closures, metatables, string
-- patterns, table.sort, coroutines, integer/float, pcall/error, varargs,
-- goto, utf8 (test e2e.lua).
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c = counter(); c(); c()
print("counter", c())

local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, Vec) end
Vec.__tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end
local v = setmetatable({x = 1, y = 2}, Vec) + setmetatable({x = 0.5, y = -4}, Vec)
print("vec", tostring(v))

local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w end
table.sort(words, function(a, b) if #a ~= #b then return #a < #b end return a < b end)
print("sorted", table.concat(words, " "))
print("gsub", (("hello world"):gsub("o", "0")), ("key=value"):match("(%w+)=(%w+)"))

local co = coroutine.create(function(a)
  local b = coroutine.yield(a * 2)
  local c2 = coroutine.yield(a + b)
  return "end", c2
end)
print("co", coroutine.resume(co, 5))
print("co", coroutine.resume(co, 10))
print("co", coroutine.resume(co, "x"))
print("co", coroutine.status(co))

print("int", 7 // 2, 7 % 3, 2^10, math.type(3), math.type(3.0), 1 << 62, math.maxinteger)
print("float", 1 / 3, string.format("%.3f %5.1e", math.pi, 12345.678), math.floor(-2.5))
local ok, err = pcall(function() error({code = 42}) end)
print("pcall", ok, err.code)
print("pcall2", pcall(error, "plain message", 0))
local function va(...) return select("#", ...), ... end
print("varargs", va(1, nil, 3))
for i = 1, 3 do
  if i == 2 then goto continue end
  print("loop", i)
  ::continue::
end
print("utf8", utf8.len("héllo"), utf8.char(72, 228))
local t = {}
for i = 1, 100000 do t[i] = i * i end
local s = 0
for _, x in ipairs(t) do s = s + x end
print("sum", s)
print("fmt", string.format("%q", "a\nb"), ("x"):rep(3, "-"))
