export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  // Allows to automatically instantiate createClient with right options
  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)
  __InternalSupabase: {
    PostgrestVersion: "12.2"
  }
  public: {
    Tables: {
      agent_feature_mappings: {
        Row: {
          agent_id: string
          created_at: string
          feature_id: string
          id: string
          is_primary: boolean
          user_id: string
        }
        Insert: {
          agent_id: string
          created_at?: string
          feature_id: string
          id?: string
          is_primary?: boolean
          user_id?: string
        }
        Update: {
          agent_id?: string
          created_at?: string
          feature_id?: string
          id?: string
          is_primary?: boolean
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "agent_feature_mappings_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "agent_feature_mappings_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "agent_feature_mappings_feature_id_fkey"
            columns: ["feature_id"]
            referencedRelation: "agent_features"
            referencedColumns: ["id"]
          },
        ]
      }
      agent_features: {
        Row: {
          category: string
          created_at: string
          description: string | null
          icon: string | null
          id: string
          is_active: boolean
          name: string
          sort_order: number
          updated_at: string
        }
        Insert: {
          category?: string
          created_at?: string
          description?: string | null
          icon?: string | null
          id: string
          is_active?: boolean
          name: string
          sort_order?: number
          updated_at?: string
        }
        Update: {
          category?: string
          created_at?: string
          description?: string | null
          icon?: string | null
          id?: string
          is_active?: boolean
          name?: string
          sort_order?: number
          updated_at?: string
        }
        Relationships: []
      }
      agent_schedules: {
        Row: {
          active_hours: Json | null
          agent_id: string
          created_at: string
          cron: string | null
          id: string
          is_enabled: boolean
          last_run_at: string | null
          next_run_at: string | null
          time_zone: string
          updated_at: string
          user_id: string
        }
        Insert: {
          active_hours?: Json | null
          agent_id: string
          created_at?: string
          cron?: string | null
          id?: string
          is_enabled?: boolean
          last_run_at?: string | null
          next_run_at?: string | null
          time_zone: string
          updated_at?: string
          user_id?: string
        }
        Update: {
          active_hours?: Json | null
          agent_id?: string
          created_at?: string
          cron?: string | null
          id?: string
          is_enabled?: boolean
          last_run_at?: string | null
          next_run_at?: string | null
          time_zone?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "agent_schedules_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "agent_schedules_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      agent_status_history: {
        Row: {
          agent_id: string
          changed_at: string
          changed_by: string | null
          changed_by_role: string
          from_status: string | null
          id: string
          reason: string | null
          to_status: string
          user_id: string
        }
        Insert: {
          agent_id: string
          changed_at?: string
          changed_by?: string | null
          changed_by_role: string
          from_status?: string | null
          id?: string
          reason?: string | null
          to_status: string
          user_id: string
        }
        Update: {
          agent_id?: string
          changed_at?: string
          changed_by?: string | null
          changed_by_role?: string
          from_status?: string | null
          id?: string
          reason?: string | null
          to_status?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "agent_status_history_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "agent_status_history_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      agent_task_attempts: {
        Row: {
          attempt: number
          claimed_at: string
          error: string | null
          finished_at: string | null
          id: string
          lease_expires_at: string
          outcome: string
          task_id: string
          user_id: string
          worker: string
        }
        Insert: {
          attempt: number
          claimed_at?: string
          error?: string | null
          finished_at?: string | null
          id?: string
          lease_expires_at: string
          outcome?: string
          task_id: string
          user_id: string
          worker: string
        }
        Update: {
          attempt?: number
          claimed_at?: string
          error?: string | null
          finished_at?: string | null
          id?: string
          lease_expires_at?: string
          outcome?: string
          task_id?: string
          user_id?: string
          worker?: string
        }
        Relationships: [
          {
            foreignKeyName: "agent_task_attempts_task_owned_by_user"
            columns: ["task_id", "user_id"]
            referencedRelation: "agent_tasks"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      agent_task_dependencies: {
        Row: {
          created_at: string
          depends_on: string
          id: string
          satisfied: boolean
          task_id: string
          user_id: string
        }
        Insert: {
          created_at?: string
          depends_on: string
          id?: string
          satisfied?: boolean
          task_id: string
          user_id?: string
        }
        Update: {
          created_at?: string
          depends_on?: string
          id?: string
          satisfied?: boolean
          task_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "agent_task_dependencies_depends_on_owned_by_user"
            columns: ["depends_on", "user_id"]
            referencedRelation: "agent_tasks"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "agent_task_dependencies_task_owned_by_user"
            columns: ["task_id", "user_id"]
            referencedRelation: "agent_tasks"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      agent_tasks: {
        Row: {
          agent_id: string
          attempts: number
          backoff_seconds: number
          claim_expires_at: string | null
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          error: string | null
          finished_at: string | null
          id: string
          max_attempts: number
          not_before: string
          payload: NonNullable<Json>
          pending_dependencies: number
          priority: number
          result: Json | null
          started_at: string | null
          status: string
          title: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          agent_id: string
          attempts?: number
          backoff_seconds?: number
          claim_expires_at?: string | null
          claimed_at?: string | null
          claimed_by?: string | null
          created_at?: string
          error?: string | null
          finished_at?: string | null
          id?: string
          max_attempts?: number
          not_before?: string
          payload?: NonNullable<Json>
          pending_dependencies?: number
          priority?: number
          result?: Json | null
          started_at?: string | null
          status?: string
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Update: {
          agent_id?: string
          attempts?: number
          backoff_seconds?: number
          claim_expires_at?: string | null
          claimed_at?: string | null
          claimed_by?: string | null
          created_at?: string
          error?: string | null
          finished_at?: string | null
          id?: string
          max_attempts?: number
          not_before?: string
          payload?: NonNullable<Json>
          pending_dependencies?: number
          priority?: number
          result?: Json | null
          started_at?: string | null
          status?: string
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "agent_tasks_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "agent_tasks_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      agent_usage_daily: {
        Row: {
          agent_id: string
          cache_write_tokens: number
          cached_input_tokens: number
          calls: number
          cancelled_calls: number
          cost: number
          day: string
          failed_calls: number
          input_tokens: number
          interactions: number
          latency_p50_ms: number | null
          latency_p95_ms: number | null
          output_tokens: number
          reasoning_tokens: number
          refreshed_at: string
          unpriced_calls: number
          user_id: string
        }
        Insert: {
          agent_id: string
          cache_write_tokens: number
          cached_input_tokens: number
          calls: number
          cancelled_calls: number
          cost: number
          day: string
          failed_calls: number
          input_tokens: number
          interactions: number
          latency_p50_ms?: number | null
          latency_p95_ms?: number | null
          output_tokens: number
          reasoning_tokens: number
          refreshed_at?: string
          unpriced_calls: number
          user_id: string
        }
        Update: {
          agent_id?: string
          cache_write_tokens?: number
          cached_input_tokens?: number
          calls?: number
          cancelled_calls?: number
          cost?: number
          day?: string
          failed_calls?: number
          input_tokens?: number
          interactions?: number
          latency_p50_ms?: number | null
          latency_p95_ms?: number | null
          output_tokens?: number
          reasoning_tokens?: number
          refreshed_at?: string
          unpriced_calls?: number
          user_id?: string
        }
        Relationships: []
      }
      ai_agent_configs: {
        Row: {
          agent_id: string
          config_key: string
          config_type: string
          config_value: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_encrypted: boolean
          updated_at: string
          user_id: string
        }
        Insert: {
          agent_id: string
          config_key: string
          config_type?: string
          config_value: NonNullable<Json>
          created_at?: string
          description?: string | null
          id?: string
          is_encrypted?: boolean
          updated_at?: string
          user_id?: string
        }
        Update: {
          agent_id?: string
          config_key?: string
          config_type?: string
          config_value?: NonNullable<Json>
          created_at?: string
          description?: string | null
          id?: string
          is_encrypted?: boolean
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "ai_agent_configs_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "ai_agent_configs_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      ai_agents: {
        Row: {
          activity_score: number
          capabilities: NonNullable<Json>
          configuration: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string | null
          model_name: string | null
          name: string
          notes: string | null
          service_id: string | null
          status: string
          system_prompt: string | null
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
        }
        Insert: {
          activity_score?: number
          capabilities?: NonNullable<Json>
          configuration?: NonNullable<Json>
          created_at?: string
          description?: string | null
          id?: string
          is_active?: boolean
          is_favorite?: boolean
          is_public?: boolean
          last_used_at?: string | null
          model_name?: string | null
          name: string
          notes?: string | null
          service_id?: string | null
          status?: string
          system_prompt?: string | null
          tags?: string[]
          updated_at?: string
          usage_count?: number
          user_id?: string
          vendor_id: string
        }
        Update: {
          activity_score?: number
          capabilities?: NonNullable<Json>
          configuration?: NonNullable<Json>
          created_at?: string
          description?: string | null
          id?: string
          is_active?: boolean
          is_favorite?: boolean
          is_public?: boolean
          last_used_at?: string | null
          model_name?: string | null
          name?: string
          notes?: string | null
          service_id?: string | null
          status?: string
          system_prompt?: string | null
          tags?: string[]
          updated_at?: string
          usage_count?: number
          user_id?: string
          vendor_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "ai_agents_service_belongs_to_vendor"
            columns: ["service_id", "vendor_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id", "vendor_id"]
          },
          {
            foreignKeyName: "ai_agents_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
        ]
      }
      ai_interactions: {
        Row: {
          agent_id: string
          content_preview: string | null
          created_at: string
          description: string | null
          duration_minutes: number | null
          ended_at: string | null
          external_id: string | null
          external_link: string | null
          external_metadata: NonNullable<Json>
          feedback_notes: string | null
          full_content: string | null
          id: string
          input_tokens: number
          interaction_type_id: string | null
          keywords: string[]
          output_tokens: number
          satisfaction_rating: number | null
          service_id: string | null
          started_at: string
          status: string
          tags: string[]
          title: string
          total_cost: number | null
          updated_at: string
          usefulness_rating: number | null
          user_id: string
          vendor_id: string | null
          interaction_messages: {
            content: string | null
            content_purged_at: string | null
            content_search: unknown
            created_at: string
            id: string
            interaction_id: string
            metadata: NonNullable<Json>
            model_call_id: string | null
            position: number
            role: string
            tokens: number
            user_id: string
          } | null
          model_calls: {
            agent_id: string
            cache_write_tokens: number
            cached_input_tokens: number
            cost: number | null
            cost_supplied: boolean
            created_at: string
            ended_at: string | null
            error_code: string | null
            error_message: string | null
            id: string
            idempotency_key: string | null
            input_tokens: number
            interaction_id: string | null
            latency_ms: number | null
            metadata: NonNullable<Json>
            model_name: string | null
            output_tokens: number
            price_id: string | null
            reasoning_tokens: number
            service_id: string | null
            started_at: string
            status: string
            time_to_first_token_ms: number | null
            user_id: string
            vendor_id: string
          } | null
        }
        Insert: {
          agent_id: string
          content_preview?: string | null
          created_at?: string
          description?: string | null
          duration_minutes?: number | null
          ended_at?: string | null
          external_id?: string | null
          external_link?: string | null
          external_metadata?: NonNullable<Json>
          feedback_notes?: string | null
          full_content?: string | null
          id?: string
          input_tokens?: number
          interaction_type_id?: string | null
          keywords?: string[]
          output_tokens?: number
          satisfaction_rating?: number | null
          service_id?: string | null
          started_at?: string
          status?: string
          tags?: string[]
          title: string
          total_cost?: number | null
          updated_at?: string
          usefulness_rating?: number | null
          user_id?: string
          vendor_id?: string | null
        }
        Update: {
          agent_id?: string
          content_preview?: string | null
          created_at?: string
          description?: string | null
          duration_minutes?: number | null
          ended_at?: string | null
          external_id?: string | null
          external_link?: string | null
          external_metadata?: NonNullable<Json>
          feedback_notes?: string | null
          full_content?: string | null
          id?: string
          input_tokens?: number
          interaction_type_id?: string | null
          keywords?: string[]
          output_tokens?: number
          satisfaction_rating?: number | null
          service_id?: string | null
          started_at?: string
          status?: string
          tags?: string[]
          title?: string
          total_cost?: number | null
          updated_at?: string
          usefulness_rating?: number | null
          user_id?: string
          vendor_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "ai_interactions_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "ai_interactions_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "ai_interactions_interaction_type_id_fkey"
            columns: ["interaction_type_id"]
            referencedRelation: "interaction_types"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ai_interactions_service_belongs_to_vendor"
            columns: ["service_id", "vendor_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id", "vendor_id"]
          },
          {
            foreignKeyName: "ai_interactions_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
        ]
      }
      ai_usage_stats: {
        Row: {
          avg_satisfaction: number | null
          avg_usefulness: number | null
          created_at: string
          date: string
          feature_usage: NonNullable<Json>
          id: string
          total_cost: number
          total_duration_minutes: number
          total_input_tokens: number
          total_interactions: number
          total_output_tokens: number
          unique_agents_used: number
          unpriced_events: number
          updated_at: string
          user_id: string
          vendor_usage: NonNullable<Json>
        }
        Insert: {
          avg_satisfaction?: number | null
          avg_usefulness?: number | null
          created_at?: string
          date: string
          feature_usage?: NonNullable<Json>
          id?: string
          total_cost?: number
          total_duration_minutes?: number
          total_input_tokens?: number
          total_interactions?: number
          total_output_tokens?: number
          unique_agents_used?: number
          unpriced_events?: number
          updated_at?: string
          user_id: string
          vendor_usage?: NonNullable<Json>
        }
        Update: {
          avg_satisfaction?: number | null
          avg_usefulness?: number | null
          created_at?: string
          date?: string
          feature_usage?: NonNullable<Json>
          id?: string
          total_cost?: number
          total_duration_minutes?: number
          total_input_tokens?: number
          total_interactions?: number
          total_output_tokens?: number
          unique_agents_used?: number
          unpriced_events?: number
          updated_at?: string
          user_id?: string
          vendor_usage?: NonNullable<Json>
        }
        Relationships: []
      }
      audit_logs: {
        Row: {
          action: string
          actor_id: string | null
          actor_role: string
          id: string
          new_row: Json | null
          occurred_at: string
          old_row: Json | null
          owner_id: string | null
          record_id: string
          recorded_at: string
          table_name: string
          transaction_id: string
        }
        Insert: {
          action: string
          actor_id?: string | null
          actor_role: string
          id?: string
          new_row?: Json | null
          occurred_at?: string
          old_row?: Json | null
          owner_id?: string | null
          record_id: string
          recorded_at?: string
          table_name: string
          transaction_id?: string
        }
        Update: {
          action?: string
          actor_id?: string | null
          actor_role?: string
          id?: string
          new_row?: Json | null
          occurred_at?: string
          old_row?: Json | null
          owner_id?: string | null
          record_id?: string
          recorded_at?: string
          table_name?: string
          transaction_id?: string
        }
        Relationships: []
      }
      budget_alerts: {
        Row: {
          acknowledged_at: string | null
          budget_id: string
          created_at: string
          id: string
          limit_amount: number
          period_start: string | null
          spent: number
          threshold: number
          user_id: string
        }
        Insert: {
          acknowledged_at?: string | null
          budget_id: string
          created_at?: string
          id?: string
          limit_amount: number
          period_start?: string | null
          spent: number
          threshold: number
          user_id: string
        }
        Update: {
          acknowledged_at?: string | null
          budget_id?: string
          created_at?: string
          id?: string
          limit_amount?: number
          period_start?: string | null
          spent?: number
          threshold?: number
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "budget_alerts_budget_id_fkey"
            columns: ["budget_id"]
            referencedRelation: "budgets"
            referencedColumns: ["id"]
          },
        ]
      }
      budget_reservations: {
        Row: {
          actual_cost: number | null
          agent_id: string
          created_at: string
          estimated_cost: number
          expires_at: string
          id: string
          model_call_id: string | null
          service_id: string | null
          settled_at: string | null
          user_id: string
          vendor_id: string
        }
        Insert: {
          actual_cost?: number | null
          agent_id: string
          created_at?: string
          estimated_cost: number
          expires_at: string
          id?: string
          model_call_id?: string | null
          service_id?: string | null
          settled_at?: string | null
          user_id: string
          vendor_id: string
        }
        Update: {
          actual_cost?: number | null
          agent_id?: string
          created_at?: string
          estimated_cost?: number
          expires_at?: string
          id?: string
          model_call_id?: string | null
          service_id?: string | null
          settled_at?: string | null
          user_id?: string
          vendor_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "budget_reservations_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "budget_reservations_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      budgets: {
        Row: {
          agent_id: string | null
          created_at: string
          id: string
          is_hard: boolean
          limit_amount: number
          name: string
          period: string
          scope: string
          service_id: string | null
          thresholds: number[]
          updated_at: string
          user_id: string
          vendor_id: string | null
        }
        Insert: {
          agent_id?: string | null
          created_at?: string
          id?: string
          is_hard?: boolean
          limit_amount: number
          name: string
          period?: string
          scope?: string
          service_id?: string | null
          thresholds?: number[]
          updated_at?: string
          user_id?: string
          vendor_id?: string | null
        }
        Update: {
          agent_id?: string | null
          created_at?: string
          id?: string
          is_hard?: boolean
          limit_amount?: number
          name?: string
          period?: string
          scope?: string
          service_id?: string | null
          thresholds?: number[]
          updated_at?: string
          user_id?: string
          vendor_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "budgets_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "budgets_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "budgets_service_id_fkey"
            columns: ["service_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "budgets_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
        ]
      }
      interaction_messages: {
        Row: {
          content: string | null
          content_purged_at: string | null
          content_search: unknown
          created_at: string
          id: string
          interaction_id: string
          metadata: NonNullable<Json>
          model_call_id: string | null
          position: number
          role: string
          tokens: number
          user_id: string
          ai_interactions: {
            agent_id: string
            content_preview: string | null
            created_at: string
            description: string | null
            duration_minutes: number | null
            ended_at: string | null
            external_id: string | null
            external_link: string | null
            external_metadata: NonNullable<Json>
            feedback_notes: string | null
            full_content: string | null
            id: string
            input_tokens: number
            interaction_type_id: string | null
            keywords: string[]
            output_tokens: number
            satisfaction_rating: number | null
            service_id: string | null
            started_at: string
            status: string
            tags: string[]
            title: string
            total_cost: number | null
            updated_at: string
            usefulness_rating: number | null
            user_id: string
            vendor_id: string | null
          } | null
          recent_interactions: {
            agent_id: string | null
            agent_name: string | null
            content_preview: string | null
            created_at: string | null
            description: string | null
            duration_minutes: number | null
            ended_at: string | null
            external_id: string | null
            external_link: string | null
            id: string | null
            input_tokens: number | null
            interaction_type_color: string | null
            interaction_type_icon: string | null
            interaction_type_id: string | null
            interaction_type_name: string | null
            model_name: string | null
            output_tokens: number | null
            satisfaction_rating: number | null
            service_display_name: string | null
            service_id: string | null
            started_at: string | null
            status: string | null
            tags: string[] | null
            title: string | null
            total_cost: number | null
            usefulness_rating: number | null
            user_id: string | null
            vendor_id: string | null
            vendor_name: string | null
          } | null
        }
        Insert: {
          content?: string | null
          content_purged_at?: string | null
          content_search?: never
          created_at?: string
          id?: string
          interaction_id: string
          metadata?: NonNullable<Json>
          model_call_id?: string | null
          position: number
          role: string
          tokens?: number
          user_id?: string
        }
        Update: {
          content?: string | null
          content_purged_at?: string | null
          content_search?: never
          created_at?: string
          id?: string
          interaction_id?: string
          metadata?: NonNullable<Json>
          model_call_id?: string | null
          position?: number
          role?: string
          tokens?: number
          user_id?: string
        }
        Relationships: []
      }
      interaction_types: {
        Row: {
          category: string
          color: string | null
          created_at: string
          description: string | null
          icon: string | null
          id: string
          is_active: boolean
          name: string
          sort_order: number
          updated_at: string
        }
        Insert: {
          category?: string
          color?: string | null
          created_at?: string
          description?: string | null
          icon?: string | null
          id: string
          is_active?: boolean
          name: string
          sort_order?: number
          updated_at?: string
        }
        Update: {
          category?: string
          color?: string | null
          created_at?: string
          description?: string | null
          icon?: string | null
          id?: string
          is_active?: boolean
          name?: string
          sort_order?: number
          updated_at?: string
        }
        Relationships: []
      }
      model_calls: {
        Row: {
          agent_id: string
          cache_write_tokens: number
          cached_input_tokens: number
          cost: number | null
          cost_supplied: boolean
          created_at: string
          ended_at: string | null
          error_code: string | null
          error_message: string | null
          id: string
          idempotency_key: string | null
          input_tokens: number
          interaction_id: string | null
          latency_ms: number | null
          metadata: NonNullable<Json>
          model_name: string | null
          output_tokens: number
          price_id: string | null
          reasoning_tokens: number
          service_id: string | null
          started_at: string
          status: string
          time_to_first_token_ms: number | null
          user_id: string
          vendor_id: string
          ai_agents: {
            activity_score: number
            capabilities: NonNullable<Json>
            configuration: NonNullable<Json>
            created_at: string
            description: string | null
            id: string
            is_active: boolean
            is_favorite: boolean
            is_public: boolean
            last_used_at: string | null
            model_name: string | null
            name: string
            notes: string | null
            service_id: string | null
            status: string
            system_prompt: string | null
            tags: string[]
            updated_at: string
            usage_count: number
            user_id: string
            vendor_id: string
          } | null
          ai_interactions: {
            agent_id: string
            content_preview: string | null
            created_at: string
            description: string | null
            duration_minutes: number | null
            ended_at: string | null
            external_id: string | null
            external_link: string | null
            external_metadata: NonNullable<Json>
            feedback_notes: string | null
            full_content: string | null
            id: string
            input_tokens: number
            interaction_type_id: string | null
            keywords: string[]
            output_tokens: number
            satisfaction_rating: number | null
            service_id: string | null
            started_at: string
            status: string
            tags: string[]
            title: string
            total_cost: number | null
            updated_at: string
            usefulness_rating: number | null
            user_id: string
            vendor_id: string | null
          } | null
          service_prices: {
            cache_write_per_million: number | null
            cached_input_per_million: number | null
            created_at: string
            currency: string
            id: string
            input_per_million: number | null
            listed_on: string | null
            notes: string | null
            output_per_million: number | null
            per_request: number | null
            reasoning_per_million: number | null
            service_id: string
            source_url: string | null
            updated_at: string
            valid_during: unknown
            valid_from: string
            valid_until: string | null
          } | null
          vendor_services: {
            created_at: string
            description: string | null
            display_name: string
            id: string
            is_active: boolean
            service_name: string
            updated_at: string
            vendor_id: string
          } | null
          vendors: {
            auth_type: string
            base_url: string | null
            created_at: string
            description: string | null
            id: string
            is_active: boolean
            name: string
            updated_at: string
          } | null
        }
        Insert: {
          agent_id: string
          cache_write_tokens?: number
          cached_input_tokens?: number
          cost?: number | null
          cost_supplied?: boolean
          created_at?: string
          ended_at?: string | null
          error_code?: string | null
          error_message?: string | null
          id?: string
          idempotency_key?: string | null
          input_tokens?: number
          interaction_id?: string | null
          latency_ms?: number | null
          metadata?: NonNullable<Json>
          model_name?: string | null
          output_tokens?: number
          price_id?: string | null
          reasoning_tokens?: number
          service_id?: string | null
          started_at?: string
          status?: string
          time_to_first_token_ms?: number | null
          user_id: string
          vendor_id: string
        }
        Update: {
          agent_id?: string
          cache_write_tokens?: number
          cached_input_tokens?: number
          cost?: number | null
          cost_supplied?: boolean
          created_at?: string
          ended_at?: string | null
          error_code?: string | null
          error_message?: string | null
          id?: string
          idempotency_key?: string | null
          input_tokens?: number
          interaction_id?: string | null
          latency_ms?: number | null
          metadata?: NonNullable<Json>
          model_name?: string | null
          output_tokens?: number
          price_id?: string | null
          reasoning_tokens?: number
          service_id?: string | null
          started_at?: string
          status?: string
          time_to_first_token_ms?: number | null
          user_id?: string
          vendor_id?: string
        }
        Relationships: []
      }
      service_prices: {
        Row: {
          cache_write_per_million: number | null
          cached_input_per_million: number | null
          created_at: string
          currency: string
          id: string
          input_per_million: number | null
          listed_on: string | null
          notes: string | null
          output_per_million: number | null
          per_request: number | null
          reasoning_per_million: number | null
          service_id: string
          source_url: string | null
          updated_at: string
          valid_during: unknown
          valid_from: string
          valid_until: string | null
        }
        Insert: {
          cache_write_per_million?: number | null
          cached_input_per_million?: number | null
          created_at?: string
          currency?: string
          id: string
          input_per_million?: number | null
          listed_on?: string | null
          notes?: string | null
          output_per_million?: number | null
          per_request?: number | null
          reasoning_per_million?: number | null
          service_id: string
          source_url?: string | null
          updated_at?: string
          valid_during?: never
          valid_from: string
          valid_until?: string | null
        }
        Update: {
          cache_write_per_million?: number | null
          cached_input_per_million?: number | null
          created_at?: string
          currency?: string
          id?: string
          input_per_million?: number | null
          listed_on?: string | null
          notes?: string | null
          output_per_million?: number | null
          per_request?: number | null
          reasoning_per_million?: number | null
          service_id?: string
          source_url?: string | null
          updated_at?: string
          valid_during?: never
          valid_from?: string
          valid_until?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "service_prices_service_id_fkey"
            columns: ["service_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id"]
          },
        ]
      }
      usage_corrections: {
        Row: {
          corrected_at: string
          corrected_by: string | null
          corrected_by_role: string
          id: string
          interaction_id: string | null
          kind: string
          new_cost: number | null
          new_input_tokens: number | null
          new_output_tokens: number | null
          new_service_id: string | null
          new_started_at: string | null
          new_unpriced: number | null
          new_vendor_id: string | null
          old_cost: number | null
          old_input_tokens: number | null
          old_output_tokens: number | null
          old_service_id: string | null
          old_started_at: string | null
          old_unpriced: number | null
          old_vendor_id: string | null
          range_from: string | null
          range_until: string | null
          reason: string | null
          rows_changed: number
          run_id: string
          service_id: string | null
          user_id: string | null
        }
        Insert: {
          corrected_at?: string
          corrected_by?: string | null
          corrected_by_role: string
          id?: string
          interaction_id?: string | null
          kind: string
          new_cost?: number | null
          new_input_tokens?: number | null
          new_output_tokens?: number | null
          new_service_id?: string | null
          new_started_at?: string | null
          new_unpriced?: number | null
          new_vendor_id?: string | null
          old_cost?: number | null
          old_input_tokens?: number | null
          old_output_tokens?: number | null
          old_service_id?: string | null
          old_started_at?: string | null
          old_unpriced?: number | null
          old_vendor_id?: string | null
          range_from?: string | null
          range_until?: string | null
          reason?: string | null
          rows_changed: number
          run_id: string
          service_id?: string | null
          user_id?: string | null
        }
        Update: {
          corrected_at?: string
          corrected_by?: string | null
          corrected_by_role?: string
          id?: string
          interaction_id?: string | null
          kind?: string
          new_cost?: number | null
          new_input_tokens?: number | null
          new_output_tokens?: number | null
          new_service_id?: string | null
          new_started_at?: string | null
          new_unpriced?: number | null
          new_vendor_id?: string | null
          old_cost?: number | null
          old_input_tokens?: number | null
          old_output_tokens?: number | null
          old_service_id?: string | null
          old_started_at?: string | null
          old_unpriced?: number | null
          old_vendor_id?: string | null
          range_from?: string | null
          range_until?: string | null
          reason?: string | null
          rows_changed?: number
          run_id?: string
          service_id?: string | null
          user_id?: string | null
        }
        Relationships: []
      }
      user_api_keys: {
        Row: {
          created_at: string
          display_name: string | null
          encrypted_key: string
          id: string
          is_active: boolean
          key_preview: string
          last_used_at: string | null
          service_id: string | null
          updated_at: string
          user_id: string
          vendor_id: string
        }
        Insert: {
          created_at?: string
          display_name?: string | null
          encrypted_key: string
          id?: string
          is_active?: boolean
          key_preview: string
          last_used_at?: string | null
          service_id?: string | null
          updated_at?: string
          user_id?: string
          vendor_id: string
        }
        Update: {
          created_at?: string
          display_name?: string | null
          encrypted_key?: string
          id?: string
          is_active?: boolean
          key_preview?: string
          last_used_at?: string | null
          service_id?: string | null
          updated_at?: string
          user_id?: string
          vendor_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "user_api_keys_service_belongs_to_vendor"
            columns: ["service_id", "vendor_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id", "vendor_id"]
          },
          {
            foreignKeyName: "user_api_keys_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
        ]
      }
      user_settings: {
        Row: {
          created_at: string
          id: string
          message_retention_days: number | null
          time_zone: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          message_retention_days?: number | null
          time_zone?: string
          updated_at?: string
          user_id?: string
        }
        Update: {
          created_at?: string
          id?: string
          message_retention_days?: number | null
          time_zone?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      vendor_services: {
        Row: {
          created_at: string
          description: string | null
          display_name: string
          id: string
          is_active: boolean
          service_name: string
          updated_at: string
          vendor_id: string
        }
        Insert: {
          created_at?: string
          description?: string | null
          display_name: string
          id: string
          is_active?: boolean
          service_name: string
          updated_at?: string
          vendor_id: string
        }
        Update: {
          created_at?: string
          description?: string | null
          display_name?: string
          id?: string
          is_active?: boolean
          service_name?: string
          updated_at?: string
          vendor_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "vendor_services_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
        ]
      }
      vendors: {
        Row: {
          auth_type: string
          base_url: string | null
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          name: string
          updated_at: string
        }
        Insert: {
          auth_type?: string
          base_url?: string | null
          created_at?: string
          description?: string | null
          id: string
          is_active?: boolean
          name: string
          updated_at?: string
        }
        Update: {
          auth_type?: string
          base_url?: string | null
          created_at?: string
          description?: string | null
          id?: string
          is_active?: boolean
          name?: string
          updated_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      agent_summary: {
        Row: {
          activity_score: number | null
          avg_satisfaction: number | null
          avg_usefulness: number | null
          created_at: string | null
          description: string | null
          features: string[] | null
          id: string | null
          interaction_count: number | null
          is_active: boolean | null
          is_favorite: boolean | null
          is_public: boolean | null
          last_interaction_at: string | null
          last_used_at: string | null
          model_name: string | null
          name: string | null
          primary_feature: string | null
          service_display_name: string | null
          service_id: string | null
          status: string | null
          tags: string[] | null
          total_cost: number | null
          total_input_tokens: number | null
          total_output_tokens: number | null
          updated_at: string | null
          usage_count: number | null
          user_id: string | null
          vendor_id: string | null
          vendor_name: string | null
        }
        Relationships: [
          {
            foreignKeyName: "ai_agents_service_belongs_to_vendor"
            columns: ["service_id", "vendor_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id", "vendor_id"]
          },
          {
            foreignKeyName: "ai_agents_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
        ]
      }
      recent_interactions: {
        Row: {
          agent_id: string | null
          agent_name: string | null
          content_preview: string | null
          created_at: string | null
          description: string | null
          duration_minutes: number | null
          ended_at: string | null
          external_id: string | null
          external_link: string | null
          id: string | null
          input_tokens: number | null
          interaction_type_color: string | null
          interaction_type_icon: string | null
          interaction_type_id: string | null
          interaction_type_name: string | null
          model_name: string | null
          output_tokens: number | null
          satisfaction_rating: number | null
          service_display_name: string | null
          service_id: string | null
          started_at: string | null
          status: string | null
          tags: string[] | null
          title: string | null
          total_cost: number | null
          usefulness_rating: number | null
          user_id: string | null
          vendor_id: string | null
          vendor_name: string | null
          interaction_messages: {
            content: string | null
            content_purged_at: string | null
            content_search: unknown
            created_at: string
            id: string
            interaction_id: string
            metadata: NonNullable<Json>
            model_call_id: string | null
            position: number
            role: string
            tokens: number
            user_id: string
          } | null
        }
        Relationships: [
          {
            foreignKeyName: "ai_agents_service_belongs_to_vendor"
            columns: ["service_id", "vendor_id"]
            referencedRelation: "vendor_services"
            referencedColumns: ["id", "vendor_id"]
          },
          {
            foreignKeyName: "ai_agents_vendor_id_fkey"
            columns: ["vendor_id"]
            referencedRelation: "vendors"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ai_interactions_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "agent_summary"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "ai_interactions_agent_owned_by_user"
            columns: ["agent_id", "user_id"]
            referencedRelation: "ai_agents"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "ai_interactions_interaction_type_id_fkey"
            columns: ["interaction_type_id"]
            referencedRelation: "interaction_types"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Functions: {
      acknowledge_budget_alert: {
        Args: { alert_id: string }
        Returns: {
          acknowledged_at: string | null
          budget_id: string
          created_at: string
          id: string
          limit_amount: number
          period_start: string | null
          spent: number
          threshold: number
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "budget_alerts"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      add_task: {
        Args: {
          agent_id: string
          backoff_seconds?: number
          depends_on?: string[]
          max_attempts?: number
          not_before?: string
          payload?: Json
          priority?: number
          title?: string
        }
        Returns: {
          agent_id: string
          attempts: number
          backoff_seconds: number
          claim_expires_at: string | null
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          error: string | null
          finished_at: string | null
          id: string
          max_attempts: number
          not_before: string
          payload: NonNullable<Json>
          pending_dependencies: number
          priority: number
          result: Json | null
          started_at: string | null
          status: string
          title: string | null
          updated_at: string
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "agent_tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      add_vendor: {
        Args: {
          auth_type?: string
          base_url?: string
          description?: string
          id: string
          is_active?: boolean
          name: string
        }
        Returns: {
          auth_type: string
          base_url: string | null
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          name: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "vendors"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      add_vendor_service: {
        Args: {
          description?: string
          display_name?: string
          id?: string
          is_active?: boolean
          service_name: string
          vendor_id: string
        }
        Returns: {
          created_at: string
          description: string | null
          display_name: string
          id: string
          is_active: boolean
          service_name: string
          updated_at: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "vendor_services"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      admit_model_call: {
        Args: {
          agent_id: string
          estimated_cost: number
          service_id?: string
          ttl_seconds?: number
          vendor_id?: string
        }
        Returns: {
          actual_cost: number | null
          agent_id: string
          created_at: string
          estimated_cost: number
          expires_at: string
          id: string
          model_call_id: string | null
          service_id: string | null
          settled_at: string | null
          user_id: string
          vendor_id: string
        }
        SetofOptions: {
          from: "*"
          to: "budget_reservations"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      agent_next_run: {
        Args: { after?: string; agent_id: string }
        Returns: string
      }
      ai_agents: {
        Args: { "": Database["public"]["Tables"]["model_calls"]["Row"] }
        Returns: {
          activity_score: number
          capabilities: NonNullable<Json>
          configuration: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string | null
          model_name: string | null
          name: string
          notes: string | null
          service_id: string | null
          status: string
          system_prompt: string | null
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
        }
        SetofOptions: {
          from: "model_calls"
          to: "ai_agents"
          isOneToOne: true
          isSetofReturn: true
        }
      }
      ai_interactions:
        | {
            Args: {
              "": Database["public"]["Tables"]["interaction_messages"]["Row"]
            }
            Returns: {
              agent_id: string
              content_preview: string | null
              created_at: string
              description: string | null
              duration_minutes: number | null
              ended_at: string | null
              external_id: string | null
              external_link: string | null
              external_metadata: NonNullable<Json>
              feedback_notes: string | null
              full_content: string | null
              id: string
              input_tokens: number
              interaction_type_id: string | null
              keywords: string[]
              output_tokens: number
              satisfaction_rating: number | null
              service_id: string | null
              started_at: string
              status: string
              tags: string[]
              title: string
              total_cost: number | null
              updated_at: string
              usefulness_rating: number | null
              user_id: string
              vendor_id: string | null
            }
            SetofOptions: {
              from: "interaction_messages"
              to: "ai_interactions"
              isOneToOne: true
              isSetofReturn: true
            }
          }
        | {
            Args: { "": Database["public"]["Tables"]["model_calls"]["Row"] }
            Returns: {
              agent_id: string
              content_preview: string | null
              created_at: string
              description: string | null
              duration_minutes: number | null
              ended_at: string | null
              external_id: string | null
              external_link: string | null
              external_metadata: NonNullable<Json>
              feedback_notes: string | null
              full_content: string | null
              id: string
              input_tokens: number
              interaction_type_id: string | null
              keywords: string[]
              output_tokens: number
              satisfaction_rating: number | null
              service_id: string | null
              started_at: string
              status: string
              tags: string[]
              title: string
              total_cost: number | null
              updated_at: string
              usefulness_rating: number | null
              user_id: string
              vendor_id: string | null
            }
            SetofOptions: {
              from: "model_calls"
              to: "ai_interactions"
              isOneToOne: true
              isSetofReturn: true
            }
          }
      archive_agent: {
        Args: { agent_id: string; reason?: string }
        Returns: {
          activity_score: number
          capabilities: NonNullable<Json>
          configuration: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string | null
          model_name: string | null
          name: string
          notes: string | null
          service_id: string | null
          status: string
          system_prompt: string | null
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "ai_agents"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      cancel_task: {
        Args: { task_id: string }
        Returns: {
          agent_id: string
          attempts: number
          backoff_seconds: number
          claim_expires_at: string | null
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          error: string | null
          finished_at: string | null
          id: string
          max_attempts: number
          not_before: string
          payload: NonNullable<Json>
          pending_dependencies: number
          priority: number
          result: Json | null
          started_at: string | null
          status: string
          title: string | null
          updated_at: string
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "agent_tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      claim_idempotency_key: {
        Args: {
          idempotency_key: string
          ttl_seconds?: number
          user_id?: string
        }
        Returns: boolean
      }
      claim_next_task: {
        Args: { agent_id?: string; lease_seconds?: number; worker: string }
        Returns: {
          agent_id: string
          attempts: number
          backoff_seconds: number
          claim_expires_at: string | null
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          error: string | null
          finished_at: string | null
          id: string
          max_attempts: number
          not_before: string
          payload: NonNullable<Json>
          pending_dependencies: number
          priority: number
          result: Json | null
          started_at: string | null
          status: string
          title: string | null
          updated_at: string
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "agent_tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      complete_task: {
        Args: { result?: Json; task_id: string; worker?: string }
        Returns: {
          agent_id: string
          attempts: number
          backoff_seconds: number
          claim_expires_at: string | null
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          error: string | null
          finished_at: string | null
          id: string
          max_attempts: number
          not_before: string
          payload: NonNullable<Json>
          pending_dependencies: number
          priority: number
          result: Json | null
          started_at: string | null
          status: string
          title: string | null
          updated_at: string
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "agent_tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      correct_interaction_usage: {
        Args: {
          input_tokens?: number
          interaction_id: string
          output_tokens?: number
          reason: string
          service_id?: string
          started_at?: string
          total_cost?: number
          vendor_id?: string
        }
        Returns: {
          corrected_at: string
          corrected_by: string | null
          corrected_by_role: string
          id: string
          interaction_id: string | null
          kind: string
          new_cost: number | null
          new_input_tokens: number | null
          new_output_tokens: number | null
          new_service_id: string | null
          new_started_at: string | null
          new_unpriced: number | null
          new_vendor_id: string | null
          old_cost: number | null
          old_input_tokens: number | null
          old_output_tokens: number | null
          old_service_id: string | null
          old_started_at: string | null
          old_unpriced: number | null
          old_vendor_id: string | null
          range_from: string | null
          range_until: string | null
          reason: string | null
          rows_changed: number
          run_id: string
          service_id: string | null
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "usage_corrections"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_agent_from_template: {
        Args: { name: string; template_agent_id: string }
        Returns: {
          activity_score: number
          capabilities: NonNullable<Json>
          configuration: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string | null
          model_name: string | null
          name: string
          notes: string | null
          service_id: string | null
          status: string
          system_prompt: string | null
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "ai_agents"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      due_agents: {
        Args: { max_agents?: number }
        Returns: {
          agent_id: string
          due_at: string
          next_run_at: string
          user_id: string
        }[]
      }
      fail_task: {
        Args: {
          error: string
          retry?: boolean
          task_id: string
          worker?: string
        }
        Returns: {
          agent_id: string
          attempts: number
          backoff_seconds: number
          claim_expires_at: string | null
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          error: string | null
          finished_at: string | null
          id: string
          max_attempts: number
          not_before: string
          payload: NonNullable<Json>
          pending_dependencies: number
          priority: number
          result: Json | null
          started_at: string | null
          status: string
          title: string | null
          updated_at: string
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "agent_tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      get_agent_usage_summary: {
        Args: { agent_id: string; days?: number }
        Returns: {
          active_days: number
          avg_satisfaction: number
          avg_usefulness: number
          first_used_at: string
          interaction_count: number
          interactions_by_type: Json
          last_used_at: string
          period_end: string
          period_start: string
          total_cost: number
          total_duration_minutes: number
          total_input_tokens: number
          total_output_tokens: number
        }[]
      }
      get_agent_with_features: {
        Args: { agent_id: string }
        Returns: {
          activity_score: number
          capabilities: Json
          configuration: Json
          created_at: string
          description: string
          features: Json
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string
          model_name: string
          name: string
          notes: string
          primary_feature_id: string
          service_display_name: string
          service_id: string
          system_prompt: string
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
          vendor_name: string
        }[]
      }
      get_budget_status: {
        Args: { user_id?: string }
        Returns: {
          agent_id: string
          budget_id: string
          is_hard: boolean
          limit_amount: number
          name: string
          period: string
          period_end: string
          period_start: string
          remaining: number
          reserved: number
          scope: string
          service_id: string
          spent: number
          thresholds: number[]
          thresholds_reached: number[]
          time_zone: string
          vendor_id: string
        }[]
      }
      get_cost_breakdown: {
        Args: {
          from_date: string
          group_by: string
          period: string
          to_date: string
          user_id?: string
        }
        Returns: {
          cache_write_tokens: number
          cached_input_tokens: number
          calls: number
          cost: number
          failed_calls: number
          group_key: string
          input_tokens: number
          output_tokens: number
          period_end: string
          period_start: string
          reasoning_tokens: number
          unpriced_calls: number
        }[]
      }
      get_user_api_key: {
        Args: { service_id?: string; user_id: string; vendor_id: string }
        Returns: string
      }
      interaction_messages:
        | {
            Args: { "": Database["public"]["Tables"]["ai_interactions"]["Row"] }
            Returns: {
              content: string | null
              content_purged_at: string | null
              content_search: unknown
              created_at: string
              id: string
              interaction_id: string
              metadata: NonNullable<Json>
              model_call_id: string | null
              position: number
              role: string
              tokens: number
              user_id: string
            }[]
            SetofOptions: {
              from: "ai_interactions"
              to: "interaction_messages"
              isOneToOne: false
              isSetofReturn: true
            }
          }
        | {
            Args: {
              "": Database["public"]["Views"]["recent_interactions"]["Row"]
            }
            Returns: {
              content: string | null
              content_purged_at: string | null
              content_search: unknown
              created_at: string
              id: string
              interaction_id: string
              metadata: NonNullable<Json>
              model_call_id: string | null
              position: number
              role: string
              tokens: number
              user_id: string
            }[]
            SetofOptions: {
              from: "recent_interactions"
              to: "interaction_messages"
              isOneToOne: false
              isSetofReturn: true
            }
          }
      is_agent_active_now: {
        Args: { agent_id: string; at?: string }
        Returns: boolean
      }
      model_calls: {
        Args: { "": Database["public"]["Tables"]["ai_interactions"]["Row"] }
        Returns: {
          agent_id: string
          cache_write_tokens: number
          cached_input_tokens: number
          cost: number | null
          cost_supplied: boolean
          created_at: string
          ended_at: string | null
          error_code: string | null
          error_message: string | null
          id: string
          idempotency_key: string | null
          input_tokens: number
          interaction_id: string | null
          latency_ms: number | null
          metadata: NonNullable<Json>
          model_name: string | null
          output_tokens: number
          price_id: string | null
          reasoning_tokens: number
          service_id: string | null
          started_at: string
          status: string
          time_to_first_token_ms: number | null
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "ai_interactions"
          to: "model_calls"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      purge_message_content: {
        Args: { older_than_days: number }
        Returns: number
      }
      recent_interactions: {
        Args: {
          "": Database["public"]["Tables"]["interaction_messages"]["Row"]
        }
        Returns: {
          agent_id: string | null
          agent_name: string | null
          content_preview: string | null
          created_at: string | null
          description: string | null
          duration_minutes: number | null
          ended_at: string | null
          external_id: string | null
          external_link: string | null
          id: string | null
          input_tokens: number | null
          interaction_type_color: string | null
          interaction_type_icon: string | null
          interaction_type_id: string | null
          interaction_type_name: string | null
          model_name: string | null
          output_tokens: number | null
          satisfaction_rating: number | null
          service_display_name: string | null
          service_id: string | null
          started_at: string | null
          status: string | null
          tags: string[] | null
          title: string | null
          total_cost: number | null
          usefulness_rating: number | null
          user_id: string | null
          vendor_id: string | null
          vendor_name: string | null
        }
        SetofOptions: {
          from: "interaction_messages"
          to: "recent_interactions"
          isOneToOne: true
          isSetofReturn: true
        }
      }
      record_model_call: {
        Args: {
          agent_id: string
          cache_write_tokens?: number
          cached_input_tokens?: number
          cost?: number
          ended_at?: string
          error_code?: string
          error_message?: string
          idempotency_key?: string
          input_tokens?: number
          interaction_id?: string
          latency_ms?: number
          metadata?: Json
          model_name?: string
          output_tokens?: number
          reasoning_tokens?: number
          reservation_id?: string
          service_id?: string
          started_at?: string
          status?: string
          time_to_first_token_ms?: number
          vendor_id?: string
        }
        Returns: {
          agent_id: string
          cache_write_tokens: number
          cached_input_tokens: number
          cost: number | null
          cost_supplied: boolean
          created_at: string
          ended_at: string | null
          error_code: string | null
          error_message: string | null
          id: string
          idempotency_key: string | null
          input_tokens: number
          interaction_id: string | null
          latency_ms: number | null
          metadata: NonNullable<Json>
          model_name: string | null
          output_tokens: number
          price_id: string | null
          reasoning_tokens: number
          service_id: string | null
          started_at: string
          status: string
          time_to_first_token_ms: number | null
          user_id: string
          vendor_id: string
        }
        SetofOptions: {
          from: "*"
          to: "model_calls"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_model_calls: {
        Args: { calls: Json }
        Returns: {
          agent_id: string
          cache_write_tokens: number
          cached_input_tokens: number
          cost: number | null
          cost_supplied: boolean
          created_at: string
          ended_at: string | null
          error_code: string | null
          error_message: string | null
          id: string
          idempotency_key: string | null
          input_tokens: number
          interaction_id: string | null
          latency_ms: number | null
          metadata: NonNullable<Json>
          model_name: string | null
          output_tokens: number
          price_id: string | null
          reasoning_tokens: number
          service_id: string | null
          started_at: string
          status: string
          time_to_first_token_ms: number | null
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "model_calls"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      refresh_usage_rollups: {
        Args: Record<PropertyKey, never>
        Returns: {
          days: number
          failed_days: number
          marks: number
          rollup_rows: number
          usage_stats_rows: number
        }[]
      }
      release_idempotency_key: {
        Args: { idempotency_key: string; user_id?: string }
        Returns: boolean
      }
      reprice_model_calls: {
        Args: {
          reason?: string
          service_id: string
          since: string
          until: string
        }
        Returns: {
          corrected_at: string
          corrected_by: string | null
          corrected_by_role: string
          id: string
          interaction_id: string | null
          kind: string
          new_cost: number | null
          new_input_tokens: number | null
          new_output_tokens: number | null
          new_service_id: string | null
          new_started_at: string | null
          new_unpriced: number | null
          new_vendor_id: string | null
          old_cost: number | null
          old_input_tokens: number | null
          old_output_tokens: number | null
          old_service_id: string | null
          old_started_at: string | null
          old_unpriced: number | null
          old_vendor_id: string | null
          range_from: string | null
          range_until: string | null
          reason: string | null
          rows_changed: number
          run_id: string
          service_id: string | null
          user_id: string | null
        }[]
        SetofOptions: {
          from: "*"
          to: "usage_corrections"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      restore_agent: {
        Args: { agent_id: string; reason?: string }
        Returns: {
          activity_score: number
          capabilities: NonNullable<Json>
          configuration: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string | null
          model_name: string | null
          name: string
          notes: string | null
          service_id: string | null
          status: string
          system_prompt: string | null
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "ai_agents"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      rotate_api_key_encryption_key: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      schedule_agentsdb_jobs: {
        Args: Record<PropertyKey, never>
        Returns: {
          command: string
          job_name: string
          schedule: string
        }[]
      }
      search_messages: {
        Args: { max_results?: number; query: string }
        Returns: {
          agent_id: string
          content: string
          created_at: string
          headline: string
          id: string
          interaction_id: string
          position: number
          rank: number
          role: string
        }[]
      }
      service_prices: {
        Args: { "": Database["public"]["Tables"]["model_calls"]["Row"] }
        Returns: {
          cache_write_per_million: number | null
          cached_input_per_million: number | null
          created_at: string
          currency: string
          id: string
          input_per_million: number | null
          listed_on: string | null
          notes: string | null
          output_per_million: number | null
          per_request: number | null
          reasoning_per_million: number | null
          service_id: string
          source_url: string | null
          updated_at: string
          valid_during: unknown
          valid_from: string
          valid_until: string | null
        }
        SetofOptions: {
          from: "model_calls"
          to: "service_prices"
          isOneToOne: true
          isSetofReturn: true
        }
      }
      set_agent_status: {
        Args: { agent_id: string; reason?: string; status: string }
        Returns: {
          activity_score: number
          capabilities: NonNullable<Json>
          configuration: NonNullable<Json>
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          is_favorite: boolean
          is_public: boolean
          last_used_at: string | null
          model_name: string | null
          name: string
          notes: string | null
          service_id: string | null
          status: string
          system_prompt: string | null
          tags: string[]
          updated_at: string
          usage_count: number
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "ai_agents"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      set_time_zone: {
        Args: { time_zone: string }
        Returns: {
          created_at: string
          id: string
          message_retention_days: number | null
          time_zone: string
          updated_at: string
          user_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "user_settings"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      store_user_api_key: {
        Args: {
          api_key: string
          display_name?: string
          service_id?: string
          vendor_id: string
        }
        Returns: {
          created_at: string
          display_name: string | null
          encrypted_key: string
          id: string
          is_active: boolean
          key_preview: string
          last_used_at: string | null
          service_id: string | null
          updated_at: string
          user_id: string
          vendor_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "user_api_keys"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      sync_catalog: {
        Args: { catalog: Json }
        Returns: {
          catalog_table: string
          rows_synced: number
        }[]
      }
      update_agent_activity_score: {
        Args: { agent_id: string }
        Returns: number
      }
      update_api_key_last_used: {
        Args: { service_id?: string; user_id: string; vendor_id: string }
        Returns: string
      }
      update_daily_usage_stats: {
        Args: { target_date?: string }
        Returns: number
      }
      vendor_services: {
        Args: { "": Database["public"]["Tables"]["model_calls"]["Row"] }
        Returns: {
          created_at: string
          description: string | null
          display_name: string
          id: string
          is_active: boolean
          service_name: string
          updated_at: string
          vendor_id: string
        }
        SetofOptions: {
          from: "model_calls"
          to: "vendor_services"
          isOneToOne: true
          isSetofReturn: true
        }
      }
      vendors: {
        Args: { "": Database["public"]["Tables"]["model_calls"]["Row"] }
        Returns: {
          auth_type: string
          base_url: string | null
          created_at: string
          description: string | null
          id: string
          is_active: boolean
          name: string
          updated_at: string
        }
        SetofOptions: {
          from: "model_calls"
          to: "vendors"
          isOneToOne: true
          isSetofReturn: true
        }
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

