-- bench/cases-create.lua — wrk script: POST /api/v1/cases with bodies varied over a county's
-- villages, channels and titles (deterministic), for wrk's duration; counts the 201s and prints
-- one JSON line. Environment: GZ_TOKEN, GZ_CODES (file of village codes). Run with -t1.
local token = os.getenv("GZ_TOKEN")
local codes = {}
for line in io.lines(os.getenv("GZ_CODES")) do codes[#codes + 1] = line end
local titles = {'路灯不亮', '水管漏水', '低保复核', '垃圾清运不及时', '下水道堵塞', '楼道杂物', '噪音扰民', '屋顶漏水', '道路坑洼',
  '停车难', '电动车充电', '化粪池外溢', '井盖缺失', '绿化带杂草', '流浪犬', '独居老人探访', '房屋裂缝', '消防通道被占',
  '就业培训需求', '医保报销咨询', '饮水水压不足', '村道硬化', '河堤垮塌', '健身器材损坏', '公厕保洁', '学校接送', '危房改造', '高龄津贴'}
local spots = {'三号楼前', '老街巷口', '菜市场旁', '小学门口', '村委会对面', '二组院坝', '河边', '新区', '老区', '东头'}
local channels = {'spokesperson', 'hall', 'breakfast', 'briefing', 'grid_visit', 'informant', 'phone', 'online', 'special_needs'}
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
math.randomseed(20231001)
ok, bad = 0, 0
local function pick(t) return t[math.random(#t)] end
request = function()
  local title = pick(titles)
  local body = string.format('{"place_code":"%s","channel":"%s","title":"%s","content":"%s%s，居民多次反映，希望尽快处理"}',
    pick(codes), pick(channels), title, pick(spots), title)
  return wrk.format("POST", "/api/v1/cases", headers, body)
end
response = function(status)
  if status == 201 then ok = ok + 1 else bad = bad + 1 end
end
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do ok = ok + t:get("ok"); bad = bad + t:get("bad") end
  io.write(string.format('{"created":%d,"errors":%d,"seconds":%.3f,"rate":%d,"p99_ms":%.1f}\n',
    ok, bad + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, math.floor(ok / (summary.duration / 1e6)), latency:percentile(99) / 1000))
end
