-- The guest CPU variant that last started under KVM on a host (host-passthrough, host-passthrough-compat,
-- host-model, default or model:NAME): creation tries it first. NULL until a creation has found one.
ALTER TABLE hosts ADD COLUMN cpu_mode TEXT;
