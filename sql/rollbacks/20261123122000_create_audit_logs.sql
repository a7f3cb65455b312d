drop table public.audit_logs;
drop function private.refuse_audit_log_change();
