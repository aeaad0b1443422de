/* vx.show (plain-text pictures) and vx.export (SVG). Each takes a view model, the plain Lua
 * table that m:translate / m:events return, so the TUI and GUI can draw the same models their
 * own way. Written in Lua because it is string formatting from top to bottom. */
#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdio.h>

#include "emu/lua/vx_internal.h"

static const char SHOW_LUA[] =
    "local show, export = {}, {}\n"
    "local fmt = string.format\n"
    "local function flags(v, level)\n"
    "  local f = {}\n"
    "  f[#f+1] = (v & 1 ~= 0) and 'P' or '-'\n"
    "  f[#f+1] = (v & 2 ~= 0) and 'W' or 'R'\n"
    "  f[#f+1] = (v & 4 ~= 0) and 'U' or 'S'\n"
    "  f[#f+1] = (v & 0x20 ~= 0) and 'A' or '-'\n"
    "  f[#f+1] = (v & 0x40 ~= 0) and 'D' or '-'\n"
    "  if level == 2 then f[#f+1] = (v & 0x80 ~= 0) and ' 4M' or '' end\n"
    "  return table.concat(f)\n"
    "end\n"
    "show.flags = flags\n"
    /* vx.show.walk(walk) */
    "function show.walk(w)\n"
    "  local out = {}\n"
    "  local function add(...) out[#out+1] = fmt(...) end\n"
    "  add('linear 0x%08x  (%s)  dir %d  table %d  offset 0x%03x', w.linear, w.write and 'write' or 'read',\n"
    "      w.pde_index, w.pte_index, w.linear & 0xfff)\n"
    "  if not w.paging then add('  paging off: physical = linear') end\n"
    "  for i, s in ipairs(w.steps) do\n"
    "    local what = s.level == 2 and 'PDE' or 'PTE'\n"
    "    if s.nested then what = 'n' .. what end\n"
    "    local note = s.nested and fmt('  for gPA 0x%08x', s.gpa) or ''\n"
    "    add('  %2d. %-4s [%4d] @ 0x%08x = 0x%08x  %s%s', i, what, s.index, s.entry_addr, s.value, flags(s.value, s.level), note)\n"
    "  end\n"
    "  if w.ok then\n"
    "    if w.nested then add('  => gPA 0x%08x  hPA 0x%08x%s', w.gpa, w.paddr, w.large and ' (4 MiB page)' or '')\n"
    "    else add('  => physical 0x%08x%s', w.paddr, w.large and ' (4 MiB page)' or '') end\n"
    "  elseif w.fault == '#NPF' then\n"
    "    add('  => #NPF  EXITINFO1 0x%x  EXITINFO2 (gPA) 0x%08x', w.exitinfo1, w.exitinfo2)\n"
    "  else\n"
    "    add('  => #PF  error code 0x%x (%s, %s, %s)', w.error_code or 0, (w.error_code or 0) & 1 ~= 0 and 'protection' or 'not present',\n"
    "        (w.error_code or 0) & 2 ~= 0 and 'write' or 'read', (w.error_code or 0) & 4 ~= 0 and 'user' or 'supervisor')\n"
    "  end\n"
    "  add('  memory references: %d', #w.steps)\n"
    "  return table.concat(out, '\\n') .. '\\n'\n"
    "end\n"
    /* vx.show.pagetable(m, {cr3 = , max = }) */
    "function show.pagetable(m, opts)\n"
    "  opts = opts or {}\n"
    "  local cr3 = (opts.cr3 or m:reg('cr3')) & 0xfffff000\n"
    "  local max = opts.max or 16\n"
    "  local out = {fmt('page directory @ 0x%08x', cr3)}\n"
    "  local shown = 0\n"
    "  for i = 0, 1023 do\n"
    "    local pde = m:read32(cr3 + 4 * i, {phys = true})\n"
    "    if pde & 1 ~= 0 and shown < max then\n"
    "      shown = shown + 1\n"
    "      if pde & 0x80 ~= 0 then\n"
    "        out[#out+1] = fmt('  PDE %4d  0x%08x  %s  -> 4 MiB frame 0x%08x  (linear 0x%08x)', i, pde, flags(pde, 2), pde & 0xffc00000, i << 22)\n"
    "      else\n"
    "        out[#out+1] = fmt('  PDE %4d  0x%08x  %s  -> table 0x%08x  (linear 0x%08x)', i, pde, flags(pde, 2), pde & 0xfffff000, i << 22)\n"
    "        if not opts.directory_only then\n"
    "          local pt, n = pde & 0xfffff000, 0\n"
    "          for j = 0, 1023 do\n"
    "            local pte = m:read32(pt + 4 * j, {phys = true})\n"
    "            if pte ~= 0 and n < max then\n"
    "              n = n + 1\n"
    "              out[#out+1] = fmt('      PTE %4d  0x%08x  %s  -> frame 0x%08x', j, pte, flags(pte, 1), pte & 0xfffff000)\n"
    "            end\n"
    "          end\n"
    "        end\n"
    "      end\n"
    "    elseif pde ~= 0 and shown < max then\n"
    "      shown = shown + 1\n"
    "      out[#out+1] = fmt('  PDE %4d  0x%08x  %s  (not present)', i, pde, flags(pde, 2))\n"
    "    end\n"
    "  end\n"
    "  return table.concat(out, '\\n') .. '\\n'\n"
    "end\n"
    /* vx.show.events(list) */
    "function show.events(evs)\n"
    "  local out = {}\n"
    "  for _, e in ipairs(evs) do\n"
    "    local line = fmt('%12d  %-14s', e.cycle, e.kind)\n"
    "    if e.kind == 'vmexit' then line = line .. fmt(' %s (0x%x) info1 0x%x info2 0x%x', e.exit_name or '?', e.exitcode or 0, e.exitinfo1 or 0, e.exitinfo2 or 0)\n"
    "    elseif e.kind == 'exception' or e.kind == 'interrupt' or e.kind == 'softint' then\n"
    "      line = line .. fmt(' vector %d eip 0x%08x', e.vector, e.eip)\n"
    "      if e.error then line = line .. fmt(' error 0x%x', e.error) end\n"
    "      if e.vector == 14 then line = line .. fmt(' cr2 0x%08x', e.value) end\n"
    "    elseif e.kind == 'switch' then line = line .. fmt(' %d -> %d (%s)', e.prev_pid or 0, e.next_pid or 0, e.prev_state_name or '?')\n"
    "    elseif e.kind == 'task_create' then line = line .. fmt(' pid %d ppid %d %s', e.pid or 0, e.parent_pid or 0, e.name or '')\n"
    "    elseif e.kind == 'task_exit' then line = line .. fmt(' pid %d status %d', e.pid or 0, e.status or 0)\n"
    "    else line = line .. fmt(' value 0x%x', e.value) end\n"
    "    if e.guest_mode then line = line .. fmt(' [guest asid %d]', e.asid) end\n"
    "    out[#out+1] = line\n"
    "  end\n"
    "  return table.concat(out, '\\n') .. (#out > 0 and '\\n' or '')\n"
    "end\n"
    /* vx.export.svg(walk[, path]) -> svg text; writes it to path when given (lab code only). */
    "function export.svg(w, path)\n"
    "  local rows = #w.steps + 2\n"
    "  local h = 40 + rows * 44\n"
    "  local out = {fmt('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%d\" font-family=\"monospace\" font-size=\"13\">', h)}\n"
    "  local function box(y, fill, text)\n"
    "    out[#out+1] = fmt('<rect x=\"20\" y=\"%d\" width=\"600\" height=\"32\" rx=\"4\" fill=\"%s\" stroke=\"#333\"/>', y, fill)\n"
    "    out[#out+1] = fmt('<text x=\"30\" y=\"%d\">%s</text>', y + 21, text)\n"
    "  end\n"
    "  local y = 10\n"
    "  box(y, '#eef', fmt('linear 0x%08x  dir %d  table %d  offset 0x%03x', w.linear, w.pde_index, w.pte_index, w.linear & 0xfff))\n"
    "  for i, s in ipairs(w.steps) do\n"
    "    y = y + 44\n"
    "    out[#out+1] = fmt('<line x1=\"320\" y1=\"%d\" x2=\"320\" y2=\"%d\" stroke=\"#333\"/>', y - 12, y)\n"
    "    local what = (s.nested and 'n' or '') .. (s.level == 2 and 'PDE' or 'PTE')\n"
    "    box(y, s.nested and '#fed' or '#efe', fmt('%d. %s [%d] @ 0x%08x = 0x%08x %s', i, what, s.index, s.entry_addr, s.value, flags(s.value, s.level)))\n"
    "  end\n"
    "  y = y + 44\n"
    "  local res = w.ok and fmt('physical 0x%08x', w.paddr) or (w.fault or 'fault')\n"
    "  box(y, w.ok and '#dfd' or '#fdd', res)\n"
    "  out[#out+1] = '</svg>'\n"
    "  local svg = table.concat(out, '\\n') .. '\\n'\n"
    "  if path then\n"
    "    local f = assert(vx._open_out(path))\n"
    "    f(svg)\n"
    "  end\n"
    "  return svg\n"
    "end\n"
    "return show, export\n";

/* vx._open_out(path) -> a writer function; a narrow door so that SVG export needs no io library. */
static int writer_call(lua_State *L)
{
    luaL_Stream *p = luaL_checkudata(L, lua_upvalueindex(1), LUA_FILEHANDLE);
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (fwrite(s, 1, len, p->f) != len) return luaL_error(L, "vx.export: write failed");
    fflush(p->f);
    return 0;
}

static int file_close(lua_State *L)
{
    luaL_Stream *p = luaL_checkudata(L, 1, LUA_FILEHANDLE);
    if (p->f) fclose(p->f);
    p->f = NULL;
    return 0;
}

static int open_out(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    luaL_Stream *p = lua_newuserdatauv(L, sizeof *p, 0);
    p->f = NULL;
    p->closef = file_close;
    if (luaL_newmetatable(L, LUA_FILEHANDLE)) {
        lua_pushcfunction(L, file_close);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    p->f = fopen(path, "w");
    if (!p->f) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: cannot write", path);
        return 2;
    }
    lua_pushcclosure(L, writer_call, 1);
    return 1;
}

/* The string on top of the stack written to the file named at path_idx: vx.export.svg's file for
 * the pictures drawn in C, with vx._open_out's messages. */
void vxlua_export_to(lua_State *L, int path_idx)
{
    const char *path = luaL_checkstring(L, path_idx);
    size_t len;
    const char *s = luaL_checklstring(L, -1, &len);
    FILE *f = fopen(path, "w");
    if (!f)
        luaL_error(L, "vx.export.svg: %s: cannot write", path);
    bool ok = fwrite(s, 1, len, f) == len;
    if (fclose(f) != 0 || !ok)
        luaL_error(L, "vx.export: write failed");
}

void vxlua_open_show(lua_State *L)
{
    int vx = lua_gettop(L);
    lua_pushcfunction(L, open_out);
    lua_setfield(L, vx, "_open_out");
    if (luaL_loadbufferx(L, SHOW_LUA, sizeof SHOW_LUA - 1, "=vx.show", "t") != LUA_OK) lua_error(L);
    lua_call(L, 0, 2);
    lua_setfield(L, vx, "export");
    lua_setfield(L, vx, "show");
}
