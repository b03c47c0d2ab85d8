/**
 * The parts of Postman's collection format v2.1 (https://schema.getpostman.com/json/collection/v2.1.0/)
 * that the generator reads or writes; everything else the converter emits passes through as it is.
 */

export interface PostmanVariable {
  key: string;
  value: string;
  type?: string;
  description?: string | { content: string; type?: string };
  disabled?: boolean;
}

export interface PostmanScriptEvent {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}

export interface PostmanAuth {
  type: string;
  bearer?: PostmanVariable[];
}

export interface PostmanUrl {
  raw?: string;
  host: string[];
  path: string[];
  query?: PostmanVariable[];
  variable?: PostmanVariable[];
}

export interface PostmanRequest {
  method: string;
  url: PostmanUrl;
  header?: PostmanVariable[];
  body?: { mode: 'raw'; raw: string; options?: { raw: { language: 'json' } } };
  auth?: PostmanAuth | null;
  description?: string | { content: string; type?: string };
  [key: string]: unknown;
}

export interface PostmanResponse {
  name?: string;
  code?: number;
  [key: string]: unknown;
}

export interface PostmanItem {
  name: string;
  description?: string | { content: string; type?: string };
  request?: PostmanRequest;
  response?: PostmanResponse[];
  event?: PostmanScriptEvent[];
  item?: PostmanItem[];
  [key: string]: unknown;
}

export interface PostmanCollection {
  info: { _postman_id?: string; name: string; description?: string | { content: string; type?: string }; schema: string; [key: string]: unknown };
  item: PostmanItem[];
  event?: PostmanScriptEvent[];
  variable?: PostmanVariable[];
  auth?: PostmanAuth;
  [key: string]: unknown;
}
