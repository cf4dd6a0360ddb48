CREATE TABLE "kb_terms" (
	"brand_id" text NOT NULL,
	"language" text NOT NULL,
	"term" text NOT NULL,
	"df" integer NOT NULL,
	CONSTRAINT "kb_terms_brand_id_language_term_pk" PRIMARY KEY("brand_id","language","term")
);
