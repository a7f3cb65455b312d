-- Reference data: the vendor catalog, features and interaction types.
-- GENERATED from src/agentsdb/catalog.toml by `agentsdb catalog render --write`: edit that
-- file, not this one. Idempotent upserts that set is_active only where an entry states it,
-- so `agentsdb seed` and `supabase db reset` can run it any number of times and keep an
-- admin's deactivations.

insert into public.vendors (id, name, description, auth_type, base_url) values
('openai', 'OpenAI', 'GPT models, DALL-E image generation and Whisper speech recognition.', 'api_key', 'https://api.openai.com/v1'),
('anthropic', 'Anthropic', 'Claude models.', 'api_key', 'https://api.anthropic.com/v1'),
('google', 'Google AI', 'Gemini models through the Gemini API.', 'api_key', 'https://generativelanguage.googleapis.com/v1beta'),
('azure_openai', 'Azure OpenAI', 'OpenAI models hosted on Microsoft Azure.', 'api_key', 'https://management.azure.com'),
('replicate', 'Replicate', 'Open-source models run in the cloud.', 'bearer_token', 'https://api.replicate.com/v1'),
('together', 'Together AI', 'Open-source large language models.', 'bearer_token', 'https://api.together.xyz/v1'),
('elevenlabs', 'ElevenLabs', 'Voice synthesis and speech to text.', 'api_key', 'https://api.elevenlabs.io/v1'),
('stability', 'Stability AI', 'Image generation with Stable Diffusion.', 'bearer_token', 'https://api.stability.ai/v2beta'),
('cohere', 'Cohere', 'Command models, embeddings and rerank.', 'bearer_token', 'https://api.cohere.com/v2'),
('huggingface', 'Hugging Face', 'The model hub and its inference providers.', 'bearer_token', 'https://router.huggingface.co/v1'),
('perplexity', 'Perplexity', 'Search-powered answers with citations.', 'bearer_token', 'https://api.perplexity.ai')
on conflict (id) do update set
  name = excluded.name,
  description = excluded.description,
  auth_type = excluded.auth_type,
  base_url = excluded.base_url;

insert into public.vendor_services (id, vendor_id, service_name, display_name, description) values
('openai_gpt5', 'openai', 'gpt-5', 'GPT-5', 'Flagship reasoning model.'),
('openai_gpt4o', 'openai', 'gpt-4o', 'GPT-4o', 'Multimodal model for text and images.'),
('openai_gpt4o_mini', 'openai', 'gpt-4o-mini', 'GPT-4o mini', 'Small, fast, low-cost model.'),
('openai_gpt4', 'openai', 'gpt-4', 'GPT-4', 'The original GPT-4 model.'),
('openai_dalle3', 'openai', 'dall-e-3', 'DALL-E 3', 'Image generation.'),
('openai_whisper', 'openai', 'whisper-1', 'Whisper', 'Speech to text.'),
('anthropic_claude_opus_4_1', 'anthropic', 'claude-opus-4-1', 'Claude Opus 4.1', 'Most capable Claude model.'),
('anthropic_claude_sonnet_4_5', 'anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', 'Balanced model for coding and agents.'),
('anthropic_claude_haiku_4_5', 'anthropic', 'claude-haiku-4-5', 'Claude Haiku 4.5', 'Fast, low-cost model.'),
('anthropic_claude3_sonnet', 'anthropic', 'claude-3-sonnet', 'Claude 3 Sonnet', 'Claude 3 generation model.'),
('google_gemini_2_5_pro', 'google', 'gemini-2.5-pro', 'Gemini 2.5 Pro', 'Reasoning model with a long context window.'),
('google_gemini_2_5_flash', 'google', 'gemini-2.5-flash', 'Gemini 2.5 Flash', 'Fast multimodal model.'),
('azure_openai_gpt4o', 'azure_openai', 'gpt-4o', 'GPT-4o (Azure)', 'GPT-4o deployed on Azure.'),
('azure_openai_gpt4o_mini', 'azure_openai', 'gpt-4o-mini', 'GPT-4o mini (Azure)', 'GPT-4o mini deployed on Azure.'),
('replicate_flux_schnell', 'replicate', 'black-forest-labs/flux-schnell', 'FLUX.1 [schnell]', 'Fast open image generation.'),
('replicate_llama3_70b', 'replicate', 'meta/meta-llama-3-70b-instruct', 'Llama 3 70B Instruct', 'Open chat model.'),
('together_llama3_3_70b', 'together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'Llama 3.3 70B Turbo', 'Open chat model.'),
('together_deepseek_v3', 'together', 'deepseek-ai/DeepSeek-V3', 'DeepSeek V3', 'Open mixture-of-experts model.'),
('elevenlabs_multilingual_v2', 'elevenlabs', 'eleven_multilingual_v2', 'Multilingual v2', 'Lifelike speech in many languages.'),
('elevenlabs_turbo_v2_5', 'elevenlabs', 'eleven_turbo_v2_5', 'Turbo v2.5', 'Low-latency speech.'),
('stability_sd3_5_large', 'stability', 'sd3.5-large', 'Stable Diffusion 3.5 Large', 'High-quality image generation.'),
('stability_image_core', 'stability', 'stable-image-core', 'Stable Image Core', 'Fast, affordable image generation.'),
('cohere_command_a', 'cohere', 'command-a-03-2025', 'Command A', 'Enterprise chat and agents model.'),
('cohere_command_r_plus', 'cohere', 'command-r-plus', 'Command R+', 'Retrieval-augmented generation.'),
('cohere_embed_v3', 'cohere', 'embed-english-v3.0', 'Embed v3', 'Text embeddings.'),
('huggingface_inference', 'huggingface', 'inference-providers', 'Inference Providers', 'Hub models through one API.'),
('perplexity_sonar', 'perplexity', 'sonar', 'Sonar', 'Lightweight search answers.'),
('perplexity_sonar_pro', 'perplexity', 'sonar-pro', 'Sonar Pro', 'Deeper search answers with more citations.')
on conflict (id) do update set
  vendor_id = excluded.vendor_id,
  service_name = excluded.service_name,
  display_name = excluded.display_name,
  description = excluded.description;

insert into public.service_prices (id, service_id, input_per_million, cached_input_per_million, output_per_million, reasoning_per_million, valid_from, source_url, listed_on, notes) values
('openai_gpt5_2025_10_20', 'openai_gpt5', '1.25', '0.125', '10.00', '10.00', '2025-10-20T00:00:00Z', 'https://openai.com/api/pricing/', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.')
on conflict (id) do update set
  service_id = excluded.service_id,
  input_per_million = excluded.input_per_million,
  cached_input_per_million = excluded.cached_input_per_million,
  output_per_million = excluded.output_per_million,
  reasoning_per_million = excluded.reasoning_per_million,
  valid_from = excluded.valid_from,
  source_url = excluded.source_url,
  listed_on = excluded.listed_on,
  notes = excluded.notes;

insert into public.service_prices (id, service_id, input_per_million, cached_input_per_million, output_per_million, valid_from, source_url, listed_on, notes) values
('openai_gpt4o_2025_10_20', 'openai_gpt4o', '2.50', '1.25', '10.00', '2025-10-20T00:00:00Z', 'https://openai.com/api/pricing/', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.'),
('openai_gpt4o_mini_2025_10_20', 'openai_gpt4o_mini', '0.15', '0.075', '0.60', '2025-10-20T00:00:00Z', 'https://openai.com/api/pricing/', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.')
on conflict (id) do update set
  service_id = excluded.service_id,
  input_per_million = excluded.input_per_million,
  cached_input_per_million = excluded.cached_input_per_million,
  output_per_million = excluded.output_per_million,
  valid_from = excluded.valid_from,
  source_url = excluded.source_url,
  listed_on = excluded.listed_on,
  notes = excluded.notes;

insert into public.service_prices (id, service_id, input_per_million, output_per_million, valid_from, source_url, listed_on, notes) values
('openai_gpt4_2025_10_20', 'openai_gpt4', '30.00', '60.00', '2025-10-20T00:00:00Z', 'https://openai.com/api/pricing/', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.')
on conflict (id) do update set
  service_id = excluded.service_id,
  input_per_million = excluded.input_per_million,
  output_per_million = excluded.output_per_million,
  valid_from = excluded.valid_from,
  source_url = excluded.source_url,
  listed_on = excluded.listed_on,
  notes = excluded.notes;

insert into public.service_prices (id, service_id, input_per_million, cached_input_per_million, cache_write_per_million, output_per_million, reasoning_per_million, valid_from, source_url, listed_on, notes) values
('anthropic_claude_opus_4_1_2025_10_20', 'anthropic_claude_opus_4_1', '15.00', '1.50', '18.75', '75.00', '75.00', '2025-10-20T00:00:00Z', 'https://www.anthropic.com/pricing#api', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.'),
('anthropic_claude_sonnet_4_5_2025_10_20', 'anthropic_claude_sonnet_4_5', '3.00', '0.30', '3.75', '15.00', '15.00', '2025-10-20T00:00:00Z', 'https://www.anthropic.com/pricing#api', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.'),
('anthropic_claude_haiku_4_5_2025_10_20', 'anthropic_claude_haiku_4_5', '1.00', '0.10', '1.25', '5.00', '5.00', '2025-10-20T00:00:00Z', 'https://www.anthropic.com/pricing#api', '2025-10-20', 'Public list price as listed on 2025-10-20 on the vendor''s price page, from the catalog author''s knowledge (not re-read since); standard tier, no batch discount.')
on conflict (id) do update set
  service_id = excluded.service_id,
  input_per_million = excluded.input_per_million,
  cached_input_per_million = excluded.cached_input_per_million,
  cache_write_per_million = excluded.cache_write_per_million,
  output_per_million = excluded.output_per_million,
  reasoning_per_million = excluded.reasoning_per_million,
  valid_from = excluded.valid_from,
  source_url = excluded.source_url,
  listed_on = excluded.listed_on,
  notes = excluded.notes;

insert into public.agent_features (id, name, description, category, icon, sort_order) values
('brainstorming', 'Brainstorming', 'Creative ideation.', 'creative', 'lightbulb', 10),
('daily_qa', 'Daily Q&A', 'General assistance with everyday questions.', 'general', 'message-circle-question', 20),
('coding', 'Coding', 'Programming assistance.', 'technical', 'code', 30),
('mcp', 'MCP', 'Tools through the Model Context Protocol.', 'technical', 'plug', 40),
('news_search', 'News Search', 'Current events.', 'information', 'newspaper', 50),
('tts_stt', 'TTS/STT', 'Voice processing: text to speech and speech to text.', 'media', 'audio-lines', 60),
('image_generation', 'Image Generation', 'Visual content.', 'media', 'image', 70),
('analysis', 'Analysis', 'Data insights.', 'technical', 'chart-column', 80),
('writing', 'Writing', 'Content creation.', 'creative', 'pen-line', 90),
('research', 'Research', 'Information gathering.', 'information', 'search', 100),
('translation', 'Translation', 'Language services.', 'language', 'languages', 110)
on conflict (id) do update set
  name = excluded.name,
  description = excluded.description,
  category = excluded.category,
  icon = excluded.icon,
  sort_order = excluded.sort_order;

insert into public.interaction_types (id, name, description, category, icon, color, sort_order) values
('conversation', 'Conversation', 'A chat with an agent.', 'general', 'messages-square', '#3b82f6', 10),
('question_answer', 'Question & Answer', 'A single question and its answer.', 'general', 'circle-help', '#0ea5e9', 20),
('coding', 'Coding', 'Writing, reviewing or debugging code.', 'technical', 'code', '#8b5cf6', 30),
('brainstorming', 'Brainstorming', 'Generating and developing ideas.', 'creative', 'lightbulb', '#f59e0b', 40),
('writing', 'Writing', 'Drafting or editing text.', 'creative', 'pen-line', '#ec4899', 50),
('research', 'Research', 'Gathering and summarising information.', 'information', 'search', '#10b981', 60),
('analysis', 'Analysis', 'Analysing data or documents.', 'technical', 'chart-column', '#6366f1', 70),
('image_generation', 'Image Generation', 'Creating or editing images.', 'media', 'image', '#f43f5e', 80),
('voice', 'Voice', 'Speech synthesis or transcription.', 'media', 'audio-lines', '#14b8a6', 90),
('translation', 'Translation', 'Translating between languages.', 'language', 'languages', '#84cc16', 100),
('agent_task', 'Agent Task', 'An autonomous task run by an agent with tools.', 'automation', 'bot', '#64748b', 110)
on conflict (id) do update set
  name = excluded.name,
  description = excluded.description,
  category = excluded.category,
  icon = excluded.icon,
  color = excluded.color,
  sort_order = excluded.sort_order;
