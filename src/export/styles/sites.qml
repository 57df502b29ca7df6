<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- defacto: QGIS loads this style with the layer of the same name. Sites by status, new
     ones the larger the more places they have, each labelled beside its symbol with its size
     (a new site's, e.g. "18 classes") or its id. -->
<qgis version="3.28" styleCategories="Symbology|Labeling" labelsEnabled="1">
 <renderer-v2 type="categorizedSymbol" attr="status" symbollevels="0" enableorderby="0" forceraster="0">
  <categories>
   <category value="existing" symbol="0" label="existing facility" render="true"/>
   <category value="expanded" symbol="1" label="existing, expanded" render="true"/>
   <category value="new" symbol="2" label="new site" render="true"/>
  </categories>
  <symbols>
   <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="130,130,130,255"/>
      <Option name="name" type="QString" value="square"/>
      <Option name="size" type="QString" value="3"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="245,160,30,255"/>
      <Option name="name" type="QString" value="square"/>
      <Option name="size" type="QString" value="3.6"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="215,25,28,255"/>
      <Option name="name" type="QString" value="star"/>
      <Option name="size" type="QString" value="5"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
     <data_defined_properties>
      <Option type="Map">
       <Option name="name" type="QString" value=""/>
       <Option name="properties" type="Map">
        <Option name="size" type="Map">
         <Option name="active" type="bool" value="true"/>
         <Option name="expression" type="QString" value="coalesce(scale_linear(&quot;capacity&quot;, minimum(&quot;capacity&quot;), maximum(&quot;capacity&quot;), 4, 7), 5)"/>
         <Option name="type" type="int" value="3"/>
        </Option>
       </Option>
       <Option name="type" type="QString" value="collection"/>
      </Option>
     </data_defined_properties>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
 <labeling type="simple">
  <settings calloutType="simple">
   <text-style fieldName="coalesce(&quot;size&quot;, &quot;id&quot;)" isExpression="1" fontSize="7" textColor="30,30,30,255">
    <text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/>
   </text-style>
   <placement placement="6" dist="1.5" quadOffset="2" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR"/>
  </settings>
 </labeling>
</qgis>
